# The README's two commands: `make demo` and `make test`. Both bootstrap first (idempotent).
VENV := .venv/bin

.PHONY: demo test bootstrap tour bench translations

bootstrap:
	@deploy/bootstrap.sh

demo: bootstrap
	@deploy/demo.sh

# Lint, format, types, then the whole suite headless. pytest's "no tests collected" (exit 5)
# is a failure here: a suite that ran nothing proves nothing.
test: bootstrap
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	$(VENV)/mypy
	@QT_QPA_PLATFORM=offscreen $(VENV)/pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; \
	exit $$status

# Screenshots of every screen, for reviewers: PNGs in shots/
tour: bootstrap
	$(VENV)/kiosk --demo --tour shots

bench: bootstrap
	$(VENV)/python -m bench

# After changing a user-facing string: refresh the .ts files, translate, then compile .qm
translations: bootstrap
	$(VENV)/python -m ui.i18n update
