-- wrk -s scripts/bench/put.lua: step results PUT over the (run, step) pairs that
-- $GAMME_BENCH_PUT_DATA lists (a Lua file scripts/bench.sh writes: path, JSON value and the
-- result id already stored there). $GAMME_BENCH_PUT_MODE:
--   fresh   a new result id each time: every PUT stores a result (replacing the step's
--           previous one) and an audit event, the cost of a technician's entry
--   replay  the stored result id: every PUT is a retry the service answers from what it
--           stored, writing nothing
-- Each request takes the next pair of a walk that starts at a different place per thread, so
-- consecutive writes rarely touch the same run.
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "auth.lua")

local pairs_ = dofile(os.getenv("GAMME_BENCH_PUT_DATA"))
local fresh = os.getenv("GAMME_BENCH_PUT_MODE") ~= "replay"
-- wrk.format takes these (with auth.lua's token) when given no headers of its own.
wrk.headers["Content-Type"] = "application/json"
local n = 0
local threads = 0

function setup(thread)
    threads = threads + 1
    thread:set("id", threads)
end

local function uuid4()
    return string.format("%08x-%04x-4%03x-%04x-%04x%08x", math.random(0, 0xffffffff),
        math.random(0, 0xffff), math.random(0, 0xfff), 0x8000 + math.random(0, 0x3fff),
        math.random(0, 0xffff), math.random(0, 0xffffffff))
end

local first = 1
function init(_)
    -- Each thread its own random ids and its own starting pair.
    math.randomseed(os.time() + 7919 * id)
    first = math.random(#pairs_)
end

function request()
    -- A stride prime to the pair count (30 steps a run) moves to another run each time.
    local pair = pairs_[(first + n * 31) % #pairs_ + 1]
    n = n + 1
    local result_id = fresh and uuid4() or pair.result_id
    return wrk.format("PUT", pair.path, nil, '{"result_id":"' .. result_id .. '","value":' .. pair.value .. '}')
end
