-- wrk script: count non-2xx responses and print one JSON line with the numbers the bench
-- needs (latency percentiles in microseconds, requests, errors). Used by bench/run.py.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  first_bad = 0
  -- "allow304": a conditional GET's 304 is the answer being measured, not an error
  allow304 = args[1] == "allow304"
end

function response(status, headers, body)
  if (status < 200 or status > 299) and not (allow304 and status == 304) then
    non2xx = non2xx + 1
    if first_bad == 0 then
      first_bad = status
    end
  end
end

function done(summary, latency, requests)
  local bad, bad_status = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    local status = thread:get("first_bad")
    if status ~= 0 then
      bad_status = status
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"non2xx": %d, "bad_status": %d, "connect_errors": %d, "read_errors": %d, ' ..
    '"write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean, bad, bad_status, e.connect, e.read, e.write, e.status, e.timeout))
end
