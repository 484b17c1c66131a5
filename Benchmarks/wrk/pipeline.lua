-- pipeline.lua: HTTP/1.1 pipelining for wrk.
--
-- Each write on a connection carries DEPTH copies of the request for the URL's
-- path; wrk sends the next batch once all DEPTH responses have arrived (it
-- counts every response, so "requests" in the summary is responses received).
--
--   wrk -t1 -c100 -d10s -s pipeline.lua http://127.0.0.1:8080/plaintext -- 16
--
-- DEPTH comes from the first script argument, else env PIPELINE, else 16.
-- done() prints the same WRK_RESULT line as report.lua (done() runs in wrk's
-- main Lua state, where init() never ran, so it cannot report the depth).

local depth = 16
local batch = nil

init = function(args)
   depth = tonumber(args[1]) or tonumber(os.getenv("PIPELINE")) or 16
   local r = {}
   for i = 1, depth do
      r[i] = wrk.format(nil, wrk.path)
   end
   batch = table.concat(r)
end

request = function()
   return batch
end

done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "WRK_RESULT requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d timeout=%d status=%d lat_mean_us=%.1f lat_p99_us=%d\n",
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.timeout, e.status,
      latency.mean, latency:percentile(99)))
end
