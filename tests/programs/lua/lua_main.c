/* jitty real-program corpus: the stand-alone Lua driver. The lua-src crate
 * ships Lua's library without lua.c, so this is the part of lua.c the corpus
 * needs: `lua_main SCRIPT [ARGS...]` opens the standard libraries, sets the
 * global `arg` (arg[0] = SCRIPT, arg[1..] = ARGS), runs SCRIPT under a
 * message handler that appends a traceback, reports an error as
 * `lua: MESSAGE` on stderr and exits 1; otherwise exits 0. Like lua.c it
 * runs a full garbage collection between start-up and the script. */
#include <stdio.h>
#include <stdlib.h>
#include "lua.h"
#include "lauxlib.h"
#include "lualib.h"

static int msghandler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

static int pmain(lua_State *L) {
    int argc = (int)lua_tointeger(L, 1);
    char **argv = (char **)lua_touserdata(L, 2);
    luaL_checkversion(L);
    luaL_openlibs(L);
    lua_gc(L, LUA_GCRESTART);
    lua_gc(L, LUA_GCGEN, 0, 0);
    lua_createtable(L, argc, 1);
    for (int i = 1; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i - 1);
    }
    lua_setglobal(L, "arg");
    lua_pushcfunction(L, msghandler);
    int base = lua_gettop(L);
    if (luaL_loadfile(L, argv[1]) != LUA_OK) return lua_error(L);
    for (int i = 2; i < argc; i++) lua_pushstring(L, argv[i]);
    if (lua_pcall(L, argc - 2, 0, base) != LUA_OK) return lua_error(L);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s SCRIPT [ARGS...]\n", argv[0]);
        return 2;
    }
    lua_State *L = luaL_newstate();
    if (L == NULL) {
        fprintf(stderr, "lua: cannot create state: not enough memory\n");
        return 1;
    }
    lua_gc(L, LUA_GCSTOP);
    lua_pushcfunction(L, pmain);
    lua_pushinteger(L, argc);
    lua_pushlightuserdata(L, argv);
    int status = lua_pcall(L, 2, 0, 0);
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        fprintf(stderr, "lua: %s\n", msg ? msg : "(error object is not a string)");
    }
    fflush(stdout);
    lua_close(L);
    return status == LUA_OK ? 0 : 1;
}
