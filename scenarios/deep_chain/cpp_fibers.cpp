// deep_chain on native fibers: plain functions all the way down, one switch at the bottom.
//
// Read beside greenlet_fibers.py: the same lines on native/fibers.hpp. No
// level knows that the chain suspends: the bottom calls switch_to(driver,
// seen), and the whole chain stays on the fiber's stack, untouched, until the
// driver switches back. The price C++ makes visible: a fiber's stack has a
// fixed size chosen before it starts, so this file sizes it from the depth.
#include "fibers.hpp"

// MECHANISM = "direct switch (register swap)"  (how this file hands control over: the table's mechanism column)

constexpr value MASK = (value{1} << 48) - 1;  // as scenarios/deep_chain: seen = (seen * 31 + value) & MASK
constexpr std::size_t STACK_PER_LEVEL = 128;   // bytes; one level's frame takes 32 at -O2 on x86-64 (the probe shows it)

value offer(value task, value index) { return task * 1'000'003 + index; }
value climb(value level, value returned) { return (returned * 31 + level) & MASK; }
value snapshot_at(value suspensions) { return suspensions / 2; }

struct Link {  // what one chain shares with the driver: the two fibers, filled in before play starts
    value task, suspensions;
    fibers::Fiber *chain = nullptr, *driver = nullptr;
    value driver_seen = 0;  // the driver's checksum for this chain (Python returns a list)
};

value bottom(Link& link);

value descend(value level, value depth, Link& link) {
    value inner = level < depth ? descend(level + 1, depth, link) : bottom(link);
    return climb(level, inner);
}

value bottom(Link& link) {
    value v = fibers::park(), seen = 0;  // -> next fiber; back with the driver's first offer
    for (value round = 0; round < link.suspensions - 1; ++round) {
        seen = (seen * 31 + v) & MASK;
        v = fibers::switch_to(link.driver, seen);  // -> driver; back with its next offer
    }
    seen = (seen * 31 + v) & MASK;
    fibers::ready(link.driver, seen);  // the last reply: the driver resumes once this chain has ended
    return seen;
}

value drive(std::vector<Link>& links, value suspensions, Probe* probe) {
    value snapshot_index = probe ? snapshot_at(suspensions) : -1;
    for (value index = 0; index < suspensions; ++index) {
        if (index == snapshot_index) {
            std::vector<fibers::Fiber*> chains;
            for (Link& link : links) chains.push_back(link.chain);
            fibers::snapshot(probe, chains);
        }
        for (Link& link : links) {
            value seen = fibers::switch_to(link.chain, offer(link.task, index));  // -> chain's bottom; back with its reply
            link.driver_seen = (link.driver_seen * 31 + seen) & MASK;
        }
    }
    return 0;
}

std::string run_chains(value depth, value suspensions, value tasks, Probe* probe) {
    std::vector<Link> links;
    for (value task = 0; task < tasks; ++task) links.push_back(Link{task, suspensions});
    for (Link& link : links)
        link.chain = fibers::spawn([&link, depth] { return descend(1, depth, link); });
    fibers::Fiber* driver = fibers::spawn([&] { return drive(links, suspensions, probe); });
    for (Link& link : links) link.driver = driver;
    fibers::join(driver);  // -> chains, then driver; back when the driver ends
    std::vector<std::string> chains;
    for (Link& link : links)
        chains.push_back(json::object({{"task", json::num(link.task)}, {"returned", json::num(fibers::join(link.chain))},
                                       {"driver_seen", json::num(link.driver_seen)}}));
    return json::array(chains);
}

// via=c changes nothing here: in C++ every level is already a native call, which a fiber suspends through.
std::string run(const Params& params, Probe& probe) {
    fibers::stack_bytes = std::max(fibers::stack_bytes, params["depth"] * STACK_PER_LEVEL + 16 * 1024);
    std::string chains;
    fibers::run([&] { chains = run_chains(params["depth"], params["suspensions"], params["tasks"], &probe); return value{0}; });
    return chains;
}
