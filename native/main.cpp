// One native worker process: runs one scenario once and writes its outcome.
//
// Read beside harness/worker.py: the same job and the same outcome, with the
// interpreter out of the way. The harness (harness/native.py) starts
//     <binary> OUT_FD PASS name=value ...
// and, once we have exited with status 0, reads the outcome we wrote to the
// file we inherit as OUT_FD (unlinked: nothing is left on disk whoever dies).
// memory_limit_bytes=N, if given, caps the address space first, as
// harness/worker.py does for --memory-limit. The result is written as JSON
// data ("result"); the harness digests it with the same canonical JSON as
// every Python model's result, so a digest match means the same numbers, not
// the same text. A crash leaves no complete outcome, which the harness
// reports as this model's crash.
#include <sys/resource.h>

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

static std::string outcome(const Params& params) {
    Probe probe;
    value rss_before = rss_bytes(), uss_before = uss_bytes();
    double started = now_s(), cpu_started = cpu_now_s();
    std::string result = run(params, probe);
    double wall_s = now_s() - started - probe.spent_s;
    // The probe's time comes out of CPU time too: it reads /proc, so its wall time is its CPU time.
    double cpu_s = cpu_now_s() - cpu_started - probe.spent_s;
    if (!probe.taken) throw std::runtime_error("the scenario never called probe.snapshot()");
    std::string leak = leftovers();
    if (!leak.empty()) return json::object({{"status", json::str("error")}, {"error", json::str(one_line(leak))}});
    std::vector<std::string> notes;
    for (const std::string& note : runtime_notes()) notes.push_back(json::str(one_line(note)));
    return json::object({
        {"status", json::str("ok")},
        {"error", "null"},
        {"result", result},
        {"wall_s", json::num(wall_s)},
        {"cpu_s", json::num(cpu_s)},
        {"peak_rss_bytes", json::num(peak_rss_bytes())},
        {"rss_delta_bytes", json::num(probe.rss_at - rss_before)},
        {"uss_delta_bytes", json::num(probe.uss_at - uss_before)},
        {"traced_peak_bytes", "null"},  // tracemalloc sees Python allocations only
        {"stack", probe.stack},
        {"records", json::object(probe.records)},
        {"notes", json::array(notes)},
    });
}

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s OUT_FD PASS [name=value ...]\n", argv[0]);
        return 2;
    }
    int out_fd = std::atoi(argv[1]);
    std::string text;
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
        limit_mib = params.values.at("memory_limit_bytes") >> 20;  // --memory-limit, as harness/worker.py's limit_memory()
        rlimit limit{};
        getrlimit(RLIMIT_AS, &limit);
        limit.rlim_cur = static_cast<rlim_t>(params.values.at("memory_limit_bytes"));
        setrlimit(RLIMIT_AS, &limit);
        params.values.erase("memory_limit_bytes");
    }
    try {
        text = outcome(params);
    } catch (const Unsupported& exc) {
        text = json::object({{"status", json::str("unsupported")}, {"error", json::str(one_line(exc.what()))}});
    } catch (const std::bad_alloc&) {
        std::string where = limit_mib ? " (address-space limit " + std::to_string(limit_mib) + " MiB)" : "";
        text = json::object({{"status", json::str("error")}, {"error", json::str("out of memory" + where + ": std::bad_alloc")}});
    } catch (const std::exception& exc) {
        text = json::object({{"status", json::str("error")}, {"error", json::str(one_line(exc.what()))}});
    }
    FILE* file = fdopen(out_fd, "w");
    if (!file) return 1;
    bool written = std::fputs(text.c_str(), file) >= 0;
    return std::fclose(file) == 0 && written ? 0 : 1;
}
