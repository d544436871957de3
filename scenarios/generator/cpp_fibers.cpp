// generator on native fibers: the producer is a fiber that switches each item out.
//
// Read beside greenlet_fibers.py: the same lines on native/fibers.hpp. The
// producer calls switch_to(consumer, value): one register-level switch per
// item, straight from producer to consumer, no queue between.
#include "fibers.hpp"

// MECHANISM = "direct switch (register swap)"  (how this file hands control over: the table's mechanism column)

constexpr value END = -1;  // what the producer hands over after the last item (items are never negative)

value item(value index) { return (index * 2'654'435'761) % 4'294'967'296; }
value snapshot_at(value items) { return (items + 1) / 2; }

value produce(value items, fibers::Fiber* consumer) {
    for (value index = 0; index < items; ++index)
        fibers::switch_to(consumer, item(index));  // -> consumer; back when it wants the next
    fibers::ready(consumer, END);  // the consumer resumes with END once this fiber has ended
    return 0;
}

std::string consume(value items, Probe* probe) {
    fibers::Fiber* consumer = fibers::current();
    fibers::Fiber* producer = fibers::spawn([=] { return produce(items, consumer); });
    Tally tally;
    value v = fibers::park();  // -> producer, which starts; back with the first item
    while (v != END) {
        tally.add(v);
        if (tally.count == snapshot_at(items))
            fibers::snapshot(probe, {producer, fibers::current()});
        v = fibers::switch_to(producer);  // -> producer; back with the next item
    }
    return tally.as_json();
}

std::string run(const Params& params, Probe& probe) {
    std::string tally;
    fibers::run([&] { tally = consume(params["items"], &probe); return value{0}; });
    return tally;
}
