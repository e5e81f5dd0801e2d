-- wrk script for the Oversight benchmarks: rotate through request tuples read from a file.
-- Usage: wrk -tN ... -s bench/wrk_tuples.lua URL -- TUPLES_FILE USER_AGENT N
-- Each line of TUPLES_FILE: METHOD <tab> PATH <tab> COOKIE (may be empty) <tab> BODY (may be empty).
-- Each wrk thread starts at a different offset so threads do not hit the same tuple together.
-- done() prints one line "BENCHJSON {...}" that bench/_harness.py parses.

local tuples = {}
local counter = 0
local user_agent = "oversight-bench"
local thread_count = 0

function setup(thread)
   thread:set("thread_index", thread_count)
   thread_count = thread_count + 1
end

function init(args)
   local path = args[1]
   user_agent = args[2] or user_agent
   for line in io.lines(path) do
      local method, target, cookie, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
      if method then
         tuples[#tuples + 1] = {method = method, path = target, cookie = cookie, body = body}
      end
   end
   if #tuples == 0 then
      error("no request tuples in " .. tostring(path))
   end
   -- spread the threads over the tuples
   local threads = tonumber(args[3]) or 1
   counter = math.floor((thread_index or 0) * #tuples / threads)
end

function request()
   counter = counter + 1
   local t = tuples[(counter % #tuples) + 1]
   local headers = {["User-Agent"] = user_agent}
   if t.cookie ~= "" then headers["Cookie"] = t.cookie end
   local body = nil
   if t.body ~= "" or t.method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      body = t.body
   end
   return wrk.format(t.method, t.path, headers, body)
end

function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      'BENCHJSON {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\n',
      summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
      latency:percentile(50), latency:percentile(99)))
end
