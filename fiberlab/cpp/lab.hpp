// What every native scenario file shares: the value type, parameters, the
// order-sensitive Tally, a little JSON, the probe, and /proc memory readers.
//
// Read beside scenarios/common.py and harness/probe.py: the same contracts in
// C++. A scenario file (scenarios/<name>/cpp_*.cpp) defines
//     std::string run(const Params& params, Probe& probe);
// returning the canonical result as JSON text; native/main.cpp times it and
// writes the outcome the way harness/worker.py does.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <exception>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using value = std::int64_t;  // every number a scenario hands over; Python's ints stay below 2**63 here

struct Params {
    std::map<std::string, value> values;      // integer parameters (booleans as 0 or 1)
    std::map<std::string, std::string> texts;  // the others, as given (deep_chain's via)
    value operator[](const std::string& name) const { return values.at(name); }
    std::string text(const std::string& name) const { return texts.count(name) ? texts.at(name) : ""; }
};

// An exception that ended a fiber or a coroutine task (std::bad_alloc under --memory-limit): the
// runtime stops at once and rethrows it from its loop, on the main stack, where main() reports it.
inline std::exception_ptr failure;

// A run this model cannot express (scenarios.spec.Unsupported): the status "unsupported", not a failure.
struct Unsupported : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

inline double cpu_now_s() {  // this process's CPU time, as Python's time.process_time()
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// -- JSON: just enough to write results and outcomes; the harness parses and re-canonicalises --------
namespace json {
inline std::string num(value v) { return std::to_string(v); }
inline std::string num(double v) {
    char text[64];
    std::snprintf(text, sizeof text, "%.17g", v);
    return text;
}
inline std::string str(const std::string& s) { return "\"" + s + "\""; }  // our own names only: no escaping needed
inline std::string object(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out = "{";
    for (const auto& [key, text] : fields) out += (out.size() > 1 ? "," : "") + str(key) + ":" + text;
    return out + "}";
}
inline std::string array(const std::vector<std::string>& items) {
    std::string out = "[";
    for (const auto& item : items) out += (out.size() > 1 ? "," : "") + item;
    return out + "]";
}
}  // namespace json

// scenarios/common.py's Tally: count, sum and an order-sensitive checksum mod 2**61 - 1.
struct Tally {
    static constexpr std::uint64_t MODULUS = (std::uint64_t{1} << 61) - 1;
    value count = 0, total = 0;
    std::uint64_t checksum = 0;
    void add(value v) {
        count += 1;
        total += v;
        // The product needs 81 bits: Python's ints grow, ours go through 128.
        checksum = static_cast<std::uint64_t>((static_cast<unsigned __int128>(checksum) * 1'000'003 + v) % MODULUS);
    }
    std::string as_json() const {
        return json::object({{"count", json::num(count)}, {"sum", json::num(total)},
                             {"checksum", std::to_string(checksum)}});
    }
};

// -- memory, read from /proc the way psutil does ------------------------------------------------------
inline value proc_field_kib(const char* path, const char* const* names) {
    FILE* file = std::fopen(path, "r");
    if (!file) return -1;
    char line[256];
    value total = 0;
    while (std::fgets(line, sizeof line, file))
        for (const char* const* name = names; *name; ++name)
            if (std::strncmp(line, *name, std::strlen(*name)) == 0) total += std::atoll(line + std::strlen(*name));
    std::fclose(file);
    return total * 1024;
}
// USS as psutil counts it: the private pages of every mapping (smaps_rollup sums them).
inline value uss_bytes() {
    static const char* const names[] = {"Private_Clean:", "Private_Dirty:", nullptr};
    return proc_field_kib("/proc/self/smaps_rollup", names);
}
inline value rss_bytes() {
    static const char* const names[] = {"VmRSS:", nullptr};
    return proc_field_kib("/proc/self/status", names);
}
// The process's own high-water mark (what the Python worker reports as peak RSS).
inline value peak_rss_bytes() {
    static const char* const names[] = {"VmHWM:", nullptr};
    return proc_field_kib("/proc/self/status", names);
}

// -- the probe (harness/probe.py's contract) ---------------------------------------------------------
// What a runtime's describe() finds on one suspended unit; -1 where it does not apply.
struct Unit {
    value frames = -1;            // coroutine frames on the task's await chain
    value c_stack_bytes = -1;     // fiber: bytes of its stack in use (top - saved stack pointer)
    value frame_bytes = -1;       // coroutine: bytes of the frames on its chain (from the allocator)
    value stack_reserved = -1;    // fiber: bytes mapped for its stack (guard page not counted)
    value stack_touched = -1;     // fiber: bytes of its stack resident in memory (mincore)
};

struct Probe {
    double spent_s = 0;          // time inside snapshot(); main subtracts it from the wall time
    double spent_cpu_s = 0;      // ...and the CPU time it took, from the CPU time
    bool taken = false;
    bool read_memory = true;     // false in the timed pass, as harness/worker.py's Probe: no /proc walk there
    value rss_at = 0, uss_at = 0;
    std::string stack = "null";  // the summary of the units, as JSON
    std::vector<std::pair<std::string, std::string>> records;

    // Called once, at the scenario's point of interest, with every unit described.
    void snapshot(const std::vector<Unit>& units, const std::vector<std::pair<std::string, std::string>>& extra) {
        if (taken) throw std::runtime_error("probe.snapshot() called twice; the contract is once");
        taken = true;
        auto mean = [&](value Unit::*field) -> std::string {
            double sum = 0;
            value n = 0;
            for (const Unit& unit : units)
                if (unit.*field >= 0) sum += static_cast<double>(unit.*field), ++n;
            return n ? json::num(sum / static_cast<double>(n)) : "null";
        };
        auto min_max = [&](bool want_max) -> std::string {
            value best = -1;
            for (const Unit& unit : units)
                if (unit.c_stack_bytes >= 0 && (best < 0 || (want_max ? unit.c_stack_bytes > best : unit.c_stack_bytes < best)))
                    best = unit.c_stack_bytes;
            return best >= 0 ? json::num(best) : "null";
        };
        std::vector<std::pair<std::string, std::string>> fields = {
            {"tasks", json::num(static_cast<value>(units.size()))},
            {"frames_per_task", mean(&Unit::frames)},
            {"c_stack_bytes_per_task", mean(&Unit::c_stack_bytes)},
            {"c_stack_bytes_min", min_max(false)},
            {"c_stack_bytes_max", min_max(true)},
            {"frame_bytes_per_task", mean(&Unit::frame_bytes)},
            {"stack_reserved_bytes_per_task", mean(&Unit::stack_reserved)},
            {"stack_touched_bytes_per_task", mean(&Unit::stack_touched)},
        };
        fields.insert(fields.end(), extra.begin(), extra.end());
        stack = json::object(fields);
        if (read_memory) {
            rss_at = rss_bytes();
            uss_at = uss_bytes();
        }
    }
    void record(const std::string& name, value v) { records.emplace_back(name, json::num(v)); }
    void record(const std::string& name, double v) { records.emplace_back(name, json::num(v)); }
};

// Every scenario file defines this; the result is canonical JSON data.
std::string run(const Params& params, Probe& probe);
// Every runtime defines this: null, or one line naming what a run left suspended.
std::string leftovers();
// Every runtime defines this: lines worth printing under the table (e.g. stacks without a guard page).
std::vector<std::string> runtime_notes();
