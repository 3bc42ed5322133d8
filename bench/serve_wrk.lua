-- wrk script of the serve suite: cycles through a list of URL paths (one per line, generated
-- and shuffled beforehand by serve_urls.py), each thread starting at its own place in the
-- list, and prints a JSON summary line (latency percentiles in microseconds, errors by kind)
-- that serve_parse.py reads.
--
--   wrk -t2 -c100 -d30s --latency -s bench/serve_wrk.lua http://127.0.0.1:PORT -- urls.txt

local threads = {}

function setup(thread)
   thread:set("id", #threads)
   table.insert(threads, thread)
end

local urls = {}
local n, i = 0, 0

function init(args)
   local path = args[1]
   if path == nil then
      error("serve_wrk.lua: give the URL list after --")
   end
   for line in io.lines(path) do
      if line ~= "" then
         n = n + 1
         urls[n] = line
      end
   end
   if n == 0 then
      error("serve_wrk.lua: empty URL list " .. path)
   end
   -- Threads start far apart in the list, so that they do not ask the same URLs together.
   i = math.floor((id or 0) * n * 0.618) % n
end

function request()
   i = i % n + 1
   return wrk.format("GET", urls[i])
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latency_us":{"min":%d,"mean":%.1f,"stdev":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.status, e.timeout,
      latency.min, latency.mean, latency.stdev,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency:percentile(99.9), latency.max))
end
