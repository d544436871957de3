// pingpong on native fibers: each hand-over is one register-level switch.
//
// Read beside greenlet_fibers.py: the same game, line for line, on
// native/fibers.hpp. A player calls switch_to(partner, counter): the callee-
// saved registers and the stack pointer are swapped, no queue, no scheduler
// pass. Ping's first serve starts pong (fibers::create), as with greenlets.
#include "fibers.hpp"

// MECHANISM = "direct switch (register swap)"  (how this file hands control over: the table's mechanism column)

constexpr value MASK = (value{1} << 48) - 1;  // as scenarios/pingpong: seen = (seen * 31 + value) & MASK

value first_serve(value pair) { return pair; }
value snapshot_round(value rounds) { return std::max<value>(1, rounds / 2); }

struct Court {  // where one pair plays: the two fibers, filled in before play starts
    fibers::Fiber *ping = nullptr, *pong = nullptr;
    value last_reply = 0;  // ping's first result (Python returns it in a tuple)
};

value play_ping(Court& court, value rounds, value pair, Probe* probe, const std::vector<fibers::Fiber*>& players) {
    fibers::Fiber* pong = court.pong;
    value seen = 0;
    value counter = fibers::switch_to(pong, first_serve(pair));  // -> pong, which starts; back with its reply
    fibers::yield_();  // -> other players; back once every pair has started
    value snapshot_at = probe ? snapshot_round(rounds) : -1;
    for (value round = 1; round < rounds; ++round) {
        seen = (seen * 31 + counter) & MASK;
        if (round == snapshot_at)
            fibers::snapshot(probe, players);
        counter = fibers::switch_to(pong, counter + 1);  // -> pong; back with its reply
    }
    court.last_reply = counter;
    return (seen * 31 + counter) & MASK;
}

value play_pong(Court& court, value rounds, value counter) {
    fibers::Fiber* ping = court.ping;
    value seen = 0;
    for (value round = 0; round < rounds - 1; ++round) {
        seen = (seen * 31 + counter) & MASK;
        counter = fibers::switch_to(ping, counter + 1);  // -> ping; back with its next serve
    }
    fibers::ready(ping, counter + 1);  // the last reply: ping resumes once pong has ended
    return (seen * 31 + counter) & MASK;
}

std::string play_all(value rounds, value pairs, Probe* probe) {
    std::vector<Court> courts(pairs);
    std::vector<fibers::Fiber*> players;
    for (Court& court : courts) {
        court.pong = fibers::create([&court, rounds](value counter) { return play_pong(court, rounds, counter); });
        players.push_back(court.pong);
    }
    for (value pair = 0; pair < pairs; ++pair) {
        Court& court = courts[pair];
        Probe* probing = pair == 0 ? probe : nullptr;
        court.ping = fibers::spawn([&, pair, probing] { return play_ping(court, rounds, pair, probing, players); });
        players.push_back(court.ping);
    }
    std::vector<std::string> games;
    for (value pair = 0; pair < pairs; ++pair) {
        Court& court = courts[pair];
        value ping_seen = fibers::join(court.ping);  // -> players; back when this ping ends
        games.push_back(json::object({{"pair", json::num(pair)}, {"last_reply", json::num(court.last_reply)},
                                      {"ping_seen", json::num(ping_seen)}, {"pong_seen", json::num(fibers::join(court.pong))}}));
    }
    return json::array(games);
}

std::string run(const Params& params, Probe& probe) {
    std::string games;
    fibers::run([&] { games = play_all(params["rounds"], params["pairs"], &probe); return value{0}; });
    return games;
}
