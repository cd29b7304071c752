-- wrk -s scripts/bench/auth.lua: every request carries the token in $GAMME_BENCH_TOKEN.
wrk.headers["Authorization"] = "Bearer " .. os.getenv("GAMME_BENCH_TOKEN")
