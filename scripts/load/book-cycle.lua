-- wrk script: each thread places one meeting into a draft schedule and removes it again, in
-- turn, so every request is a real write (201 then 204). Threads get disjoint participants,
-- so they never conflict with each other. Run with as many connections as threads.
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("slot", #threads)
end

function init(args)
  bookings_path = os.getenv("BOOKINGS_PATH")
  authorization = "Bearer " .. os.getenv("TOKEN")
  body = os.getenv("BOOKING_" .. slot)
  booking = nil
  created, removed, other = 0, 0, 0
end

function request()
  if booking == nil then
    return wrk.format("POST", bookings_path,
      { ["Content-Type"] = "application/json", ["Authorization"] = authorization }, body)
  end
  return wrk.format("DELETE", bookings_path .. "/" .. booking, { ["Authorization"] = authorization })
end

function response(status, headers, response_body)
  if status == 201 then
    booking = string.match(response_body, '^{"id":(%d+)')
    created = created + 1
  elseif status == 204 then
    booking = nil
    removed = removed + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local c, r, o = 0, 0, 0
  for _, thread in ipairs(threads) do
    c = c + thread:get("created")
    r = r + thread:get("removed")
    o = o + thread:get("other")
  end
  io.write(string.format(
    "RESULT book-cycle requests=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f created=%d removed=%d other=%d\n",
    summary.requests, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, c, r, o))
end
