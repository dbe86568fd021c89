-- The small script of the cargo test subset: arguments, arithmetic, a table.
print("hello from lua", _VERSION, #arg, arg[0] ~= nil)
local t = {}
for i = 1, 10 do t[i] = i * i end
print(table.concat(t, " "))
print(string.format("%.3f %d %s", math.sqrt(2), 2^31 | 0, tostring(nil)))
