-- Integer arithmetic: wrap-around, division, modulo, shifts, conversions.
local maxi, mini = math.maxinteger, math.mininteger
print(maxi, mini, maxi + 1 == mini, mini - 1 == maxi, maxi * 2, mini * -1)
print(7 // 3, -7 // 3, 7 // -3, -7 // -3, 7 % 3, -7 % 3, 7 % -3, -7 % -3)
print(mini // -1, mini % -1, pcall(function() return 1 // 0 end))
print(pcall(function() return 1 % 0 end), 1 // 0.0, -1 // 0.0, 0/0 ~= 0/0)
print(1 << 63, 1 << 64, -1 >> 1, -1 >> 63, 3 ~ 5, ~0, 0xff & 0x0f, 0xf0 | 0x0f)
print(math.tointeger(3.0), math.tointeger(3.5), math.tointeger(2^63), 2^63 == maxi + 1.0)
print(3 == 3.0, math.ult(1, -1), math.abs(mini), math.fmod(-7, 3), math.fmod(7, -3))
print(string.format("%d %d", 0x7fffffffffffffff, 0xffffffffffffffff), 9007199254740993, 2^53 + 1)
print(tostring(1e15), tostring(-1e15), 10 // 3.0, 2^-1074, 123456789012 * 1000)
print(pcall(string.format, "%d", 2^63))
print(math.floor(-3.5), math.ceil(-3.5), math.floor(2^62), math.max(1, 2.5, -1), math.min(3, 1.0))
-- a loop that overflows in the middle
local acc = 0
for i = 1, 100000 do acc = acc + i * 1000003 * 1000033 end
print("wrapping sum", acc)
local h = 0
for i = 1, 100000 do h = (h ~ i) * 0x100000001b3 end
print("fnv-ish", h, h >> 32, h & 0xffffffff)
for i = maxi - 2, maxi do io.write(i, " ") end
print()
for i = mini, mini + 2 do io.write(i, " ") end
print()
local s = 0
for i = 1, 10, 0.5 do s = s + i end
print("float loop", s)
print(("%5.1f"):format(7), 0x10, 0xA.8p0, 1e2 // 1, "10" + 5, "3.0" + 1, 10 .. 20)
