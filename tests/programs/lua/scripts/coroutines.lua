-- Coroutines: generators, wrap, yields across pcall, status, errors inside.
local function gen(n)
  return coroutine.wrap(function()
    for i = 1, n do coroutine.yield(i, i * i) end
    return "done"
  end)
end
local g = gen(5)
for _ = 1, 6 do print("gen", g()) end

local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("resumed with", c)
  local d, e = coroutine.yield(c * 2)
  print("resumed with", d, e)
  return d + e, "end"
end)
print(coroutine.resume(co, 1, 2))
print(coroutine.status(co))
print(coroutine.resume(co, 10))
print(coroutine.resume(co, 3, 4))
print(coroutine.status(co), coroutine.resume(co))

-- a yield inside pcall inside a coroutine
local co2 = coroutine.create(function()
  local ok, v = pcall(function()
    local x = coroutine.yield("inside pcall")
    if x == "boom" then error("exploded: " .. x) end
    return x
  end)
  coroutine.yield(tostring(ok) .. " " .. tostring(v))
  return "finished"
end)
print(coroutine.resume(co2))
print(coroutine.resume(co2, "boom"))
print(coroutine.resume(co2))
print(coroutine.isyieldable(), type(coroutine.running()), select(2, coroutine.running()))

-- error thrown out of a coroutine
local co3 = coroutine.create(function() local t = nil; return t.x end)
local ok, msg = coroutine.resume(co3)
print(ok, msg, coroutine.status(co3))

-- producer/consumer pipeline with many switches
local function producer(n)
  return coroutine.create(function()
    for i = 1, n do coroutine.yield(i) end
  end)
end
local function filter(p, pred)
  return coroutine.create(function()
    while true do
      local _, v = coroutine.resume(p)
      if v == nil then return end
      if pred(v) then coroutine.yield(v) end
    end
  end)
end
local f = filter(producer(20000), function(v) return v % 3 == 0 end)
local sum, count = 0, 0
while true do
  local _, v = coroutine.resume(f)
  if v == nil then break end
  sum, count = sum + v, count + 1
end
print("pipeline", count, sum)
print("close", coroutine.close(coroutine.create(function() end)))
