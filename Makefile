# The README's commands. Needs only Python 3.11+ and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
LOCKS := requirements/base.txt requirements/dev.txt
PYTEST_ARGS ?=

.PHONY: demo test serve install lint bench load totp backup restore clean

$(INSTALLED): $(LOCKS)
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 of nieuwer is nodig") if sys.version_info < (3, 11) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/base.txt -r requirements/dev.txt
	touch $@

install: $(INSTALLED) var/.env

var/.env:
	$(PYTHON) scripts/write_local_env.py $@
	mkdir -p var/static var/private

# The demo's e-mails are written as files to var/mail/ (one .log file per sending), not to this terminal.
DEMO_ENV := EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH=var/mail SERVER_LOG_LEVEL=WARNING

demo: install
	@echo "Database bijwerken en demodata laden..."
	@$(BIN)/python manage.py migrate --noinput --verbosity 0
	@$(BIN)/python manage.py seed_demo --manifest var/demo-manifest.json
	@echo ""
	@echo "Het portaal draait op http://127.0.0.1:8000  (stoppen: Ctrl+C)"
	@echo "E-mails van de demo staan in var/mail/. Rondleiding: README.md."
	@$(DEMO_ENV) $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/lint-imports
	$(BIN)/python scripts/run_tests.py $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

totp: install
	@$(BIN)/python manage.py demo_totp $(USER)

# make bench                      1 000, 10 000 and 100 000 cases (docs/benchmarks.md)
# make bench SIZES=1000,10000     a quick run
# make load                       only the load run (locust, 100 users, 10 000 cases); BENCH_REUSE=1 keeps the database
bench: install
	$(if $(SIZES),BENCH_SIZES=$(SIZES)) $(BIN)/python benchmarks/run.py

load: install
	BENCH_LOAD_ONLY=1 $(BIN)/python benchmarks/run.py

# Point-in-time recovery (docs/backups.md): pgBackRest for the database, snapshots of the private files.
#   make backup                                    a full backup now (beat runs the nightly ones)
#   make restore TARGET="2026-12-02 10:00:00+01"   checks the target and says what it would restore
#   make restore TARGET="..." CONFIRM=yes          database and private files back to that moment
#   make drill                                     the restore drill on a throw-away cluster
# The portable pg_dump export (scripts/backup.py): make dump; make restore-dump BACKUP=<folder> CONFIRM=yes.
.PHONY: dump restore-dump drill
BACKUP_DIR ?= var/backups

backup: install
	$(BIN)/python manage.py backup --type full

restore: install
	$(BIN)/python manage.py restore --target "$(TARGET)" --confirm "$(CONFIRM)"

drill: install
	$(BIN)/pytest tests/ops/test_restore_drill.py -s -q

dump: install
	$(BIN)/python scripts/backup.py backup --dir "$(BACKUP_DIR)"

restore-dump: install
	$(BIN)/python scripts/backup.py restore "$(BACKUP)" --confirm "$(CONFIRM)"

clean:
	rm -rf $(VENV) var/static
