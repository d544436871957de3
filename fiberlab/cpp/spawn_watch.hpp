// scenarios/spawn's Watch, for the native files: what travels down the tree's
// leftmost path only (null elsewhere). See scenarios/spawn/__init__.py.
#pragma once

#include <vector>

#include "lab.hpp"

constexpr value FANOUT = 10;  // children per inner node

inline value tree_tasks(value leaves) { return (FANOUT * leaves - 1) / (FANOUT - 1); }

struct ChildRange {
    value base, size;
};
inline ChildRange child_range(value base, value size, value child) {
    value step = size / FANOUT;
    return {base + child * step, step};
}

template <class Unit>
struct Watch {
    Probe* probe;
    double started = now_s();
    std::vector<Unit*> path;  // root first; each model appends its current task

    void at_first_leaf(value leaves) {
        double elapsed = now_s() - started;
        value created = tree_tasks(leaves);
        probe->record("tasks_created", created);
        probe->record("tasks_created_per_s", elapsed > 0 ? static_cast<value>(static_cast<double>(created) / elapsed + 0.5) : value{0});
        probe->record("seconds_to_first_leaf", elapsed);
    }
};
