-- wrk script for the fault suite and the scaling figures: requests drawn from a list of
-- paths (one per line in the file given as the script's first argument; a path listed n
-- times is drawn n times as often: how bench/scaling.py makes a Zipf mix), optional extra
-- header lines ("Name: value", second argument onwards). Prints one JSON line: requests,
-- latency percentiles (microseconds), a count per status code, socket errors, 503s
-- without Retry-After, and cache hits (X-Cache: hit, set by deploy/varnish/newsbase.vcl).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      table.insert(paths, line)
    end
  end
  extra = {}
  for i = 2, #args do
    local name, value = string.match(args[i], "^([^:]+):%s*(.*)$")
    extra[name] = value
  end
  statuses = {}
  no_retry_after = 0
  hits = 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  return wrk.format("GET", paths[math.random(#paths)], extra)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status == 503 and not headers["Retry-After"] then
    no_retry_after = no_retry_after + 1
  end
  if headers["X-Cache"] == "hit" then
    hits = hits + 1
  end
end

function done(summary, latency, requests)
  local total, missing, cache_hits = {}, 0, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + n
    end
    missing = missing + thread:get("no_retry_after")
    cache_hits = cache_hits + thread:get("hits")
  end
  local parts = {}
  for status, n in pairs(total) do
    table.insert(parts, string.format('"%d": %d', status, n))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "statuses": {%s}, "no_retry_after": %d, "cache_hits": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.max, table.concat(parts, ", "), missing, cache_hits, e.connect, e.read,
    e.write, e.timeout))
end
