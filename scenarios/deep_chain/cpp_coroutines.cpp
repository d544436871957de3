// deep_chain on native C++20 coroutines: a coroutine at every level, symmetric transfer at the bottom.
//
// Read beside coroutines_bare.py: the same lines on native/coroutines.hpp.
// Suspending is contagious here too: the bottom awaits, so every level above
// it is a coroutine that co_awaits the next, each with a heap frame of its
// own. A suspension leaves the chain of frames where it is; a resume jumps
// straight into the bottom frame, without re-entering the levels above it.
#include "coroutines.hpp"

// MECHANISM = "direct symmetric transfer"  (how this file hands control over: the table's mechanism column)

using coroutines::coro;

constexpr value MASK = (value{1} << 48) - 1;  // as scenarios/deep_chain: seen = (seen * 31 + value) & MASK

value offer(value task, value index) { return task * 1'000'003 + index; }
value climb(value level, value returned) { return (returned * 31 + level) & MASK; }
value snapshot_at(value suspensions) { return suspensions / 2; }

struct Link {  // what one chain shares with the driver: the two tasks, filled in before play starts
    value task, suspensions;
    coroutines::Task *chain = nullptr, *driver = nullptr;
    value driver_seen = 0;  // the driver's checksum for this chain (Python returns a list)
};

coro bottom(Link& link);

coro descend(value level, value depth, Link& link) {
    value inner = level < depth ? co_await descend(level + 1, depth, link) : co_await bottom(link);
    co_return climb(level, inner);
}

coro bottom(Link& link) {
    value v = co_await coroutines::park(), seen = 0;  // -> next task; back with the driver's first offer
    for (value round = 0; round < link.suspensions - 1; ++round) {
        seen = (seen * 31 + v) & MASK;
        v = co_await coroutines::switch_to(link.driver, seen);  // -> driver; back with its next offer
    }
    seen = (seen * 31 + v) & MASK;
    coroutines::ready(link.driver, seen);  // the last reply: the driver resumes once it is out of our hands
    co_return seen;
}

coro drive(std::vector<Link>& links, value suspensions, Probe* probe) {
    value snapshot_index = probe ? snapshot_at(suspensions) : -1;
    for (value index = 0; index < suspensions; ++index) {
        if (index == snapshot_index) {
            std::vector<coroutines::Task*> chains;
            for (Link& link : links) chains.push_back(link.chain);
            coroutines::snapshot(probe, chains);
        }
        for (Link& link : links) {
            value seen = co_await coroutines::switch_to(link.chain, offer(link.task, index));  // -> chain's bottom; back with its reply
            link.driver_seen = (link.driver_seen * 31 + seen) & MASK;
        }
    }
    co_return 0;
}

coro run_chains(value depth, value suspensions, value tasks, Probe* probe, std::string& chains_json) {
    std::vector<Link> links;
    for (value task = 0; task < tasks; ++task) links.push_back(Link{task, suspensions});
    for (Link& link : links)
        link.chain = coroutines::spawn(descend(1, depth, link));
    coroutines::Task* driver = coroutines::spawn(drive(links, suspensions, probe));
    for (Link& link : links) link.driver = driver;
    co_await coroutines::join(driver);  // -> chains, then driver; back when the driver ends
    std::vector<std::string> chains;
    for (Link& link : links) {
        value returned = co_await coroutines::join(link.chain);  // ended already: no suspension
        chains.push_back(json::object({{"task", json::num(link.task)}, {"returned", json::num(returned)},
                                       {"driver_seen", json::num(link.driver_seen)}}));
    }
    chains_json = json::array(chains);
    co_return 0;
}

std::string run(const Params& params, Probe& probe) {
    if (params.text("via") == "c")  // as coroutines_bare.py: a stackless chain cannot suspend through a plain call
        throw Unsupported("via=c: a C++20 coroutine suspends only its own frame; a plain function between two "
                          "levels cannot be suspended through, so every level must be a coroutine");
    std::string chains;
    coroutines::run(run_chains(params["depth"], params["suspensions"], params["tasks"], &probe, chains));
    return chains;
}
