// generator on native C++20 coroutines: the producer is a task that transfers each item out.
//
// Read beside coroutines_bare.py: the same lines on native/coroutines.hpp. The
// producer awaits switch_to(consumer, value): one symmetric transfer per item,
// straight from producer to consumer, no queue between.
#include "coroutines.hpp"

// MECHANISM = "direct symmetric transfer"  (how this file hands control over: the table's mechanism column)

using coroutines::coro;

constexpr value END = -1;  // what the producer hands over after the last item (items are never negative)

value item(value index) { return (index * 2'654'435'761) % 4'294'967'296; }
value snapshot_at(value items) { return (items + 1) / 2; }

coro produce(value items, coroutines::Task* consumer) {
    for (value index = 0; index < items; ++index)
        co_await coroutines::switch_to(consumer, item(index));  // -> consumer; back when it wants the next
    coroutines::ready(consumer, END);  // the consumer resumes with END once this task has ended
    co_return 0;
}

coro consume(value items, Probe* probe, std::string& tally_json) {
    coroutines::Task* producer = coroutines::spawn(produce(items, coroutines::current()));
    Tally tally;
    value v = co_await coroutines::park();  // -> producer, which starts; back with the first item
    while (v != END) {
        tally.add(v);
        if (tally.count == snapshot_at(items))
            coroutines::snapshot(probe, {producer, coroutines::current()});
        v = co_await coroutines::switch_to(producer);  // -> producer; back with the next item
    }
    tally_json = tally.as_json();
    co_return 0;
}

std::string run(const Params& params, Probe& probe) {
    std::string tally;
    coroutines::run(consume(params["items"], &probe, tally));
    return tally;
}
