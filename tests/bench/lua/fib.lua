-- jitty bench engine: Lua's VM calling a Lua function recursively.
-- `lua_main fib.lua N` prints fib(N) computed by naive double recursion
-- (2*fib(N+1) - 1 calls: 7 049 155 for N = 32, each a Lua call, a
-- comparison and an integer add or two).
-- jitty-bench: full=32 quick=24
local function fib(n)
  if n < 2 then return n end
  return fib(n - 1) + fib(n - 2)
end

local n = assert(tonumber(arg[1]), "usage: fib.lua N")
print(string.format("fib(%d) = %d", n, fib(n)))
