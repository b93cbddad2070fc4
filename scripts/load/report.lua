-- wrk script: one request (METHOD, BODY, AUTHORIZATION from the environment) repeated;
-- reports one RESULT line with throughput, median and p99 latency and the status mix.
function init(args)
  wrk.method = os.getenv("METHOD") or "GET"
  wrk.body = os.getenv("BODY")
  wrk.headers["Authorization"] = os.getenv("AUTHORIZATION")
  if wrk.body then
    wrk.headers["Content-Type"] = "application/json"
  end
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local mix = {}
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses")) do
      mix[status] = (mix[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(mix) do
    parts[#parts + 1] = status .. ":" .. n
  end
  table.sort(parts)
  io.write(string.format("RESULT %s requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f statuses=%s\n",
    os.getenv("LABEL"), summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, table.concat(parts, ",")))
end
