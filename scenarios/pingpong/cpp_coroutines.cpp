// pingpong on native C++20 coroutines: each hand-over is one symmetric transfer.
//
// Read beside coroutines_bare.py: the same game, line for line, on
// native/coroutines.hpp. A player awaits switch_to(partner, counter): the
// awaiter returns the partner's frame and the compiler jumps into it, no
// queue, no trip through the loop. Ping's first serve starts pong (create).
#include "coroutines.hpp"

// MECHANISM = "direct symmetric transfer"  (how this file hands control over: the table's mechanism column)

using coroutines::coro;

constexpr value MASK = (value{1} << 48) - 1;  // as scenarios/pingpong: seen = (seen * 31 + value) & MASK

value first_serve(value pair) { return pair; }
value snapshot_round(value rounds) { return std::max<value>(1, rounds / 2); }

struct Court {  // where one pair plays: the two tasks, filled in before play starts
    coroutines::Task *ping = nullptr, *pong = nullptr;
    value last_reply = 0;  // ping's first result (Python returns it in a tuple)
};

coro play_ping(Court& court, value rounds, value pair, Probe* probe, const std::vector<coroutines::Task*>& players) {
    coroutines::Task* pong = court.pong;
    value seen = 0;
    value counter = co_await coroutines::switch_to(pong, first_serve(pair));  // -> pong, which starts; back with its reply
    co_await coroutines::yield_();  // -> other players; back once every pair has started
    value snapshot_at = probe ? snapshot_round(rounds) : -1;
    for (value round = 1; round < rounds; ++round) {
        seen = (seen * 31 + counter) & MASK;
        if (round == snapshot_at)
            coroutines::snapshot(probe, players);
        counter = co_await coroutines::switch_to(pong, counter + 1);  // -> pong; back with its reply
    }
    court.last_reply = counter;
    co_return (seen * 31 + counter) & MASK;
}

coro play_pong(Court& court, value rounds, value counter) {
    coroutines::Task* ping = court.ping;
    value seen = 0;
    for (value round = 0; round < rounds - 1; ++round) {
        seen = (seen * 31 + counter) & MASK;
        counter = co_await coroutines::switch_to(ping, counter + 1);  // -> ping; back with its next serve
    }
    coroutines::ready(ping, counter + 1);  // the last reply: ping resumes once pong has ended
    co_return (seen * 31 + counter) & MASK;
}

coro play_all(value rounds, value pairs, Probe* probe, std::string& games_json) {
    std::vector<Court> courts(pairs);
    std::vector<coroutines::Task*> players;
    for (Court& court : courts) {
        court.pong = coroutines::create([&court, rounds](value counter) { return play_pong(court, rounds, counter); });
        players.push_back(court.pong);
    }
    for (value pair = 0; pair < pairs; ++pair) {
        Court& court = courts[pair];
        Probe* probing = pair == 0 ? probe : nullptr;
        court.ping = coroutines::spawn(play_ping(court, rounds, pair, probing, players));
        players.push_back(court.ping);
    }
    std::vector<std::string> games;
    for (value pair = 0; pair < pairs; ++pair) {
        Court& court = courts[pair];
        value ping_seen = co_await coroutines::join(court.ping);  // -> players; back when this ping ends
        value pong_seen = co_await coroutines::join(court.pong);
        games.push_back(json::object({{"pair", json::num(pair)}, {"last_reply", json::num(court.last_reply)},
                                      {"ping_seen", json::num(ping_seen)}, {"pong_seen", json::num(pong_seen)}}));
    }
    games_json = json::array(games);
    co_return 0;
}

std::string run(const Params& params, Probe& probe) {
    std::string games;
    coroutines::run(play_all(params["rounds"], params["pairs"], &probe, games));
    return games;
}
