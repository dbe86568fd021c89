-- String formatting of floats and integers, tostring, patterns, pack.
local vals = {0.1, 1/3, -2.5, 1e100, 1e-300, 2^53, 2^63, -0.0, 123456789.125, 5e-324, 1/0, -1/0}
for _, v in ipairs(vals) do
  print(tostring(v), string.format("%g|%.17g|%e|%.3f|%a", v, v, v, v, v))
end
print(string.format("%5.2f|%-8d|%08.3f|%x|%X|%o|%c|%q", 3.14159, 42, -2.5, 255, 3054, 8, 65, "a\nb\0c"))
print(string.format("%q", 1/3), string.format("%q", math.mininteger), string.format("%i", -7))
print(string.format("%s %s %s", nil, true, 12.0), 7 // 2, 7.0 // 2, 7 / 2, 2^2, 10 % 3.5)
print(math.pi, -math.pi, math.huge, math.maxinteger + 0.0, 1e15, 1e16, 0.1 + 0.2)
print(tostring(3) == "3", tostring(3.0), 3 | 0, math.type(3), math.type(3.0), math.type("3"))
print(tonumber("0x1p4"), tonumber("  12  "), tonumber("1e2"), tonumber("z", 36), tonumber("7fffffffffffffff", 16))
print(("hello world from lua"):gsub("(%w+)", "<%1>"))
print(("key=val; k2=v2"):match("(%w+)=(%w+)"))
for k, v in string.gmatch("a=1, b=22, c=333", "(%w+)=(%w+)") do io.write(k, ":", v, " ") end
print()
print(("abc"):rep(3, "-"), ("Lua"):upper(), ("%d"):format(5), ("x"):byte(), string.char(72, 105))
print(string.find("the quick brown fox", "q%a+"), string.find("a.b", ".", 1, true))
local packed = string.pack("<i4 d s1 z", -5, 2.75, "pk", "zt")
print(#packed, string.unpack("<i4 d s1 z", packed))
print(utf8.char(72, 228, 8364, 128512), utf8.len("häö€"), #"€")
local parts = {}
for i = 1, 200 do parts[#parts + 1] = string.format("%.2f", i / 7) end
local s = table.concat(parts, ",")
print(#s, s:sub(1, 40), s:sub(-20))
local acc = 0
for i = 1, 5000 do acc = acc + #tostring(i * 1.1) end
print("tostring lengths", acc)
