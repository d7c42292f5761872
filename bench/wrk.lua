-- wrk script for bench/run: one scenario's request, and one line of JSON at the end.
--
-- From the environment:
--   BENCH_COOKIE  the Cookie header (a signed-in member's or editor's session), or empty
--   BENCH_BODIES  for a POST: a file of form bodies, one a line, each sent once (a rating
--                 form carries a one-time token); the threads take turns through it and
--                 start again at the top if it runs out
--   BENCH_THREADS the number of wrk threads (-t), so that no two send the same body
-- An address containing BENCHUNIQUE gets a new value in its place on every request, so
-- that the page cache never answers it (bench/prepare.py's UNIQUE).

local cookie = os.getenv("BENCH_COOKIE") or ""
local bodies_file = os.getenv("BENCH_BODIES") or ""

local threads_total = tonumber(os.getenv("BENCH_THREADS") or "1")
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  bodies = {}
  if bodies_file ~= "" then
    for line in io.lines(bodies_file) do
      bodies[#bodies + 1] = line
    end
  end
  position = id + 1
  -- New for each run of wrk, so the run that counts never asks for an address its
  -- warm-up asked for (which the page cache would answer).
  math.randomseed(os.time() + id)
  run = os.time() .. "-" .. math.random(1, 1000000000)
  wrk.headers["Cookie"] = cookie ~= "" and cookie or nil
  if #bodies > 0 then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
end

local unique = "BENCHUNIQUE"
local sent = 0

function request()
  if #bodies == 0 then
    if string.find(wrk.path, unique, 1, true) then
      -- A new address for every request: never served from the page cache.
      sent = sent + 1
      local path = string.gsub(wrk.path, unique, run .. "-" .. id .. "-" .. sent)
      return wrk.format(nil, path)
    end
    return wrk.request()
  end
  local body = bodies[position]
  position = position + threads_total
  if position > #bodies then
    position = id + 1
  end
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "mean_us": %.1f, '
      .. '"errors_status": %d, "errors_socket": %d}\n',
    summary.requests,
    summary.duration,
    latency:percentile(50),
    latency:percentile(95),
    latency.mean,
    errors.status,
    errors.connect + errors.read + errors.write + errors.timeout
  ))
end
