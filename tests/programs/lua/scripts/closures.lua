-- Closures: counters, shared upvalues, closures in loops, recursion, varargs.
local function counter()
  local n = 0
  return function() n = n + 1; return n end, function() return n end
end
local inc, get = counter()
for _ = 1, 10 do inc() end
print("counter", get())

local fs = {}
for i = 1, 5 do fs[i] = function() return i * 10 end end
local out = {}
for i = 1, 5 do out[i] = fs[i]() end
print(table.concat(out, " "))

local function compose(f, g) return function(...) return f(g(...)) end end
local add1 = function(x) return x + 1 end
local dbl = function(x) return x * 2 end
print(compose(add1, dbl)(5), compose(dbl, add1)(5))

local function curry(f, n, ...)
  local args = {...}
  if #args >= n then return f(table.unpack(args, 1, n)) end
  return function(...)
    local more = {table.unpack(args)}
    for _, v in ipairs({...}) do more[#more + 1] = v end
    return curry(f, n, table.unpack(more))
  end
end
print(curry(function(a, b, c) return a * 100 + b * 10 + c end, 3)(1)(2)(3))

local function memo(f)
  local cache = {}
  return function(n)
    local v = cache[n]
    if v == nil then v = f(n); cache[n] = v end
    return v
  end
end
local fib
fib = memo(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
print("fib 90", fib(90))

local function slowfib(n) if n < 2 then return n end return slowfib(n - 1) + slowfib(n - 2) end
print("slowfib 24", slowfib(24))

print(select("#", nil, nil, nil), select(2, "a", "b", "c"), select(-1, "x", "y"))
local function va(...) local t = table.pack(...) return t.n, ... end
print(va(1, nil, 3, nil))

-- objects with methods and inheritance through metatables
local Account = {}
Account.__index = Account
function Account.new(b) return setmetatable({balance = b}, Account) end
function Account:deposit(v) self.balance = self.balance + v; return self end
local Special = setmetatable({}, {__index = Account})
Special.__index = Special
function Special.new(b, limit) local o = Account.new(b); o.limit = limit; return setmetatable(o, Special) end
function Special:deposit(v) return Account.deposit(self, math.min(v, self.limit)) end
local a, s = Account.new(10), Special.new(10, 5)
a:deposit(100):deposit(1); s:deposit(100):deposit(1)
print("accounts", a.balance, s.balance)

-- goto and upvalues per iteration
local k = 0
::top::
k = k + 1
if k < 3 then goto top end
print("goto", k)
collectgarbage()
print("gc", collectgarbage("count") > 0)
