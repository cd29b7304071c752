-- wrk -s scripts/bench/auth.lua: every request carries the token in $GAMME_BENCH_TOKEN, and
-- the end of the run prints one line for scripts/bench.sh (latencies in microseconds; wrk's
-- "status" errors are answers of 400 and above).
wrk.headers["Authorization"] = "Bearer " .. os.getenv("GAMME_BENCH_TOKEN")

function done(summary, latency, _)
    local e = summary.errors
    io.write(string.format(
        "GAMME_BENCH requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
        summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
        e.status, e.connect + e.read + e.write + e.timeout))
end
