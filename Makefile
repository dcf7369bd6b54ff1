# pgmig - build, test, demo, bench, fuzz, lint.
#
#   make            build build/pgmig
#   make demo       install what is missing, build, deploy examples/ to the local database
#   make test       unit + integration tests, plain and under ASan/UBSan
#   make bench      performance figures against their floors (see bench/)
#   make fuzz       run the libFuzzer targets for a bounded time (clang)

CC       ?= cc
PKG_CFLAGS := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
CPPFLAGS += -Isrc $(PKG_CFLAGS) -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L
WARN     := -Wall -Wextra -Werror -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
            -Wshadow -Wno-unused-parameter
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -pthread $(WARN) -MMD -MP
# libpg_query is linked statically: its shared object is large, and relocating it
# at every start costs more than the rest of a no-op `pgmig status`.
LDLIBS   += -lpq -Wl,-Bstatic -lpg_query -Wl,-Bdynamic -lcrypto -pthread

SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

SRC      := $(sort $(wildcard src/*.c src/*/*.c))
LIB_SRC  := $(filter-out src/main.c,$(SRC))
OBJ      := $(SRC:src/%.c=build/obj/%.o)
LIB_OBJ  := $(LIB_SRC:src/%.c=build/obj/%.o)
SAN_OBJ  := $(SRC:src/%.c=build/san/obj/%.o)
SAN_LIB_OBJ := $(LIB_SRC:src/%.c=build/san/obj/%.o)

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/tests/%)
UNIT_SAN := $(UNIT_SRC:tests/unit/%.c=build/san/tests/%)

.PHONY: all san demo test test-unit test-integration bench fuzz format lint clean deps

all: build/pgmig

# V=1 shows the full commands.
Q := $(if $(V),,@)

build/pgmig: $(OBJ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

san: build/san/pgmig

build/san/pgmig: $(SAN_OBJ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(CFLAGS) $(SAN_FLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

build/san/obj/%.o: src/%.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC san  $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -O1 $(SAN_FLAGS) -c -o $@ $<

build/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB_OBJ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -o $@ $< $(LIB_OBJ) $(LDLIBS)

build/san/tests/%: tests/unit/%.c tests/unit/unit.h $(SAN_LIB_OBJ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  TEST    $@")
	$(Q)$(CC) $(CPPFLAGS) -Itests/unit $(CFLAGS) -O1 $(SAN_FLAGS) -o $@ $< $(SAN_LIB_OBJ) $(LDLIBS)

# The random schema generator of tests/integration/test_diff_random.sh.
build/tests/gen_schema: tests/tools/gen_schema.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS) -o $@ $<

deps:
	@sh scripts/deps.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh

# The whole suite: unit tests and the integration suite against a real
# PostgreSQL that tests/run starts itself, once with the plain build and once
# with the AddressSanitizer/UndefinedBehaviorSanitizer build.
test: deps
	@$(MAKE) --no-print-directory all san $(UNIT_BIN) $(UNIT_SAN) build/tests/gen_schema
	@bash tests/run

test-unit: $(UNIT_BIN) $(UNIT_SAN)
	@bash tests/run --unit-only

test-integration: all san build/tests/gen_schema
	@bash tests/run --integration-only

bench: all
	@bash bench/run

fuzz:
	@bash tests/fuzz/run

format:
	clang-format -i $(SRC) $(wildcard src/*/*.h src/*.h) $(UNIT_SRC) $(wildcard tests/fuzz/*.c)

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	    --inline-suppr --suppress=missingIncludeSystem -Isrc $(SRC)
	@out=$$(clang-tidy --quiet $(SRC) -- $(CPPFLAGS) -std=c11 2>&1); rc=$$?; \
	    printf '%s\n' "$$out" | grep -v 'warnings generated' || true; exit $$rc

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(SAN_OBJ:.o=.d)
