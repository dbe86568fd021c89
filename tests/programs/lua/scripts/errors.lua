-- error/pcall/xpcall: values, levels, nesting, metamethods, tracebacks.
print(pcall(error, "plain"))
print(select(2, pcall(error, {code = 42})).code)
print(select(2, pcall(error)))
local function lvl1() error("at level 1", 1) end
local function lvl2() error("at level 2", 2) end
print(pcall(lvl1))
print(pcall(lvl2))
print(pcall(function() local x = 1 + {} end))
print(pcall(function() return #nil end))
print(pcall(function() return ("x"):bad() end))
print(pcall(string.rep))
print(pcall(string.format, "%d", 1.5))

local ok, e = pcall(error, setmetatable({}, {__tostring = function() return "custom error object" end}))
print(ok, tostring(e))

print(xpcall(function() error("handled") end, function(m) return "handler got: " .. m end))
print(xpcall(function(a, b) return a + b end, print, 3, 4))

-- nested pcall, rethrow
local depth = 0
local function nest(n)
  if n == 0 then error("bottom") end
  local ok2, err = pcall(nest, n - 1)
  depth = depth + 1
  error(err .. "<" .. n, 0)
end
print(pcall(nest, 5), depth)

-- error in __index and __add metamethods
local t = setmetatable({}, {__index = function(_, k) error("no key " .. k) end,
                            __add = function() error({why = "add"}) end})
print(pcall(function() return t.missing end))
local ok3, obj = pcall(function() return t + 1 end)
print(ok3, type(obj), obj.why)

-- traceback through a handler (file:line is deterministic)
print(xpcall(function() local function inner() error("deep") end inner() end, debug.traceback))

-- error while closing a to-be-closed variable
print(pcall(function()
  local x <close> = setmetatable({}, {__close = function() error("in close") end})
  return 1
end))

-- stack overflow is caught
local function rec(n) return rec(n + 1) + 1 end
local ok4, m4 = pcall(rec, 1)
print(ok4, (string.gsub(m4, "^.-:%d+: ", "")))

-- many protected calls
local n = 0
for i = 1, 20000 do
  if not pcall(function() if i % 3 == 0 then error(i) end end) then n = n + 1 end
end
print("caught", n)
error("uncaught at the end")
