-- report.lua: no request customisation (wrk keeps its fast static request
-- path); done() prints one machine-readable line that Benchmarks/run.sh parses:
--   WRK_RESULT requests=N duration_us=N bytes=N connect=N read=N write=N timeout=N status=N lat_mean_us=X lat_p99_us=N
-- requests counts complete responses; status counts responses with status >= 400.
done = function(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "WRK_RESULT requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d timeout=%d status=%d lat_mean_us=%.1f lat_p99_us=%d\n",
      summary.requests, summary.duration, summary.bytes,
      e.connect, e.read, e.write, e.timeout, e.status,
      latency.mean, latency:percentile(99)))
end
