// One native worker process: runs one scenario and writes its outcome.
//
// Read beside harness/worker.py: the same job and the same outcome, with the
// interpreter out of the way. The harness (harness/native.py) starts
//     <binary> OUT_FD PASS name=value ...
// PASS "time" is worker.py's timed pass: one run as an in-process warm-up, then
// values=K values, each the mean of loops=L back-to-back runs (L=0: calibrated
// here so that a value lasts VALUE_MIN_S), the leak check after each value;
// every other pass is one run in this fresh process.
// and, once we have exited with status 0, reads the outcome we wrote to the
// file we inherit as OUT_FD (unlinked: nothing is left on disk whoever dies).
// memory_limit_bytes=N, if given, caps the address space first, as
// harness/worker.py does for --memory-limit. The result is written as JSON
// data ("result"); the harness digests it with the same canonical JSON as
// every Python model's result, so a digest match means the same numbers, not
// the same text. A crash leaves no complete outcome, which the harness
// reports as this model's crash.
#include <sys/resource.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "lab.hpp"

static std::string one_line(std::string text) {
    text = text.substr(0, text.find('\n')).substr(0, 300);
    for (char& c : text)
        if (c == '"' || c == '\\') c = '\'';
    return text;
}

// One run with a fresh probe: its result, and its wall and CPU time with the probe's time taken out.
struct Timed {
    std::string result;
    double wall_s = 0, cpu_s = 0;
    Probe probe;
};

// A count as Python's f"{n:,}" writes it (5,000), so the out-of-memory line reads as
// fiberlab/outcome.py out_of_memory() words it for every other model.
static std::string with_commas(value number) {
    std::string digits = std::to_string(number);
    for (int at = static_cast<int>(digits.size()) - 3; at > 0; at -= 3) digits.insert(at, ",");
    return digits;
}

static Timed timed_run(const Params& params, bool read_memory = true) {
    Timed one;
    one.probe.read_memory = read_memory;  // a timed run's memory figures are not used: no /proc walk
    double started = now_s(), cpu_started = cpu_now_s();
    one.result = run(params, one.probe);
    one.wall_s = now_s() - started - one.probe.spent_s;
    one.cpu_s = cpu_now_s() - cpu_started - one.probe.spent_cpu_s;  // the probe's own CPU time, as worker.py
    if (!one.probe.taken) throw std::runtime_error("the scenario never called probe.snapshot()");
    return one;
}

static std::string leaked() {
    std::string leak = leftovers();
    return leak.empty() ? "" : json::object({{"status", json::str("error")}, {"error", json::str(one_line(leak))}});
}

static std::vector<std::string> notes() {
    std::vector<std::string> lines;
    for (const std::string& note : runtime_notes()) lines.push_back(json::str(one_line(note)));
    return lines;
}

constexpr double VALUE_MIN_S = 0.05;  // as harness/worker.py: a value lasts at least this long
constexpr value MAX_LOOPS = 1000;

// The timed pass (harness/worker.py's timed_values): every distinct result goes back, for the harness to check.
static std::string timed_values(const Params& params, value values, value loops) {
    Timed warm = timed_run(params, false);  // the in-process warm-up: page faults, caches, the allocator's free lists
    std::vector<std::string> results = {warm.result};
    auto keep = [&](const std::string& result) {
        if (std::find(results.begin(), results.end(), result) == results.end()) results.push_back(result);
    };
    if (std::string leak = leaked(); !leak.empty()) return leak;
    double warm_s = warm.wall_s;
    if (loops <= 0) {
        loops = 1;
        while (warm_s < VALUE_MIN_S && loops < MAX_LOOPS) {  // grow as worker.py does, at most 10x a step
            double grow = std::min(10.0, 1.2 * VALUE_MIN_S / std::max(warm_s, 1e-6));
            loops = std::min(MAX_LOOPS, static_cast<value>(std::ceil(static_cast<double>(loops) * grow)));
            warm_s = 0;
            for (value index = 0; index < loops; ++index) {
                Timed one = timed_run(params, false);
                warm_s += one.wall_s;
                keep(one.result);
            }
            if (std::string leak = leaked(); !leak.empty()) return leak;
        }
    }
    std::vector<std::string> walls, cpus;
    for (value index = 0; index < values; ++index) {
        double wall = 0, cpu = 0;
        for (value run_index = 0; run_index < loops; ++run_index) {
            Timed one = timed_run(params, false);
            wall += one.wall_s, cpu += one.cpu_s;
            keep(one.result);
        }
        if (std::string leak = leaked(); !leak.empty()) return leak;
        walls.push_back(json::num(wall / static_cast<double>(loops)));
        cpus.push_back(json::num(cpu / static_cast<double>(loops)));
    }
    return json::object({
        {"status", json::str("ok")},
        {"error", "null"},
        {"results", json::array(results)},
        {"wall_values", json::array(walls)},
        {"cpu_values", json::array(cpus)},
        {"loops", json::num(loops)},
        {"stack", warm.probe.stack},
        {"notes", json::array(notes())},
    });
}

static std::string outcome(const std::string& pass, const Params& params) {
    if (pass == "time") {
        Params run_params = params;
        value values = run_params.values.count("values") ? run_params.values.at("values") : 1;
        value loops = run_params.values.count("loops") ? run_params.values.at("loops") : 0;
        run_params.values.erase("values");
        run_params.values.erase("loops");
        return timed_values(run_params, values, loops);
    }
    value rss_before = rss_bytes(), uss_before = uss_bytes();
    Timed one = timed_run(params);
    const Probe& probe = one.probe;
    if (std::string leak = leaked(); !leak.empty()) return leak;
    return json::object({
        {"status", json::str("ok")},
        {"error", "null"},
        {"result", one.result},
        {"wall_s", json::num(one.wall_s)},
        {"cpu_s", json::num(one.cpu_s)},
        {"peak_rss_bytes", json::num(peak_rss_bytes())},
        {"rss_delta_bytes", json::num(probe.rss_at - rss_before)},
        {"uss_delta_bytes", json::num(probe.uss_at - uss_before)},
        {"traced_peak_bytes", "null"},  // tracemalloc sees Python allocations only
        {"stack", probe.stack},
        {"records", json::object(probe.records)},
        {"notes", json::array(notes())},
    });
}

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s OUT_FD PASS [name=value ...]\n", argv[0]);
        return 2;
    }
    int out_fd = std::atoi(argv[1]);
    std::string text, pass = argv[2];
    Params params;
    for (int index = 3; index < argc; ++index) {
        std::string assignment = argv[index];
        auto equals = assignment.find('=');
        if (equals == std::string::npos) {
            std::fprintf(stderr, "bad parameter %s (want name=value)\n", argv[index]);
            return 2;
        }
        std::string name = assignment.substr(0, equals), text = assignment.substr(equals + 1);
        char* end = nullptr;
        long long number = std::strtoll(text.c_str(), &end, 10);
        if (!text.empty() && *end == '\0')
            params.values[name] = number;
        else
            params.texts[name] = text;
    }
    value limit_mib = 0;
    if (params.values.count("memory_limit_bytes")) {
        limit_mib = params.values.at("memory_limit_bytes") >> 20;  // --memory-limit, as fiberlab/worker.py's limit_memory()
        rlimit limit{};
        getrlimit(RLIMIT_AS, &limit);
        limit.rlim_cur = static_cast<rlim_t>(params.values.at("memory_limit_bytes"));
        setrlimit(RLIMIT_AS, &limit);
        params.values.erase("memory_limit_bytes");
    }
    try {
        text = outcome(pass, params);
    } catch (const Unsupported& exc) {
        text = json::object({{"status", json::str("unsupported")}, {"error", json::str(one_line(exc.what()))}});
    } catch (const std::bad_alloc&) {
        std::string where = limit_mib ? " (address-space limit " + with_commas(limit_mib) + " MiB)" : "";
        text = json::object({{"status", json::str("error")}, {"error", json::str("out of memory" + where + ": std::bad_alloc")}});
    } catch (const std::exception& exc) {
        text = json::object({{"status", json::str("error")}, {"error", json::str(one_line(exc.what()))}});
    }
    FILE* file = fdopen(out_fd, "w");
    if (!file) return 1;
    bool written = std::fputs(text.c_str(), file) >= 0;
    return std::fclose(file) == 0 && written ? 0 : 1;
}
