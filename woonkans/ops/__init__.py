"""Operations tooling: point-in-time recovery (pitr: `make backup`, `make restore TARGET=...`, the beat
tasks) and the portable pg_dump export (backup: `make dump`, `make restore-dump`). See docs/backups.md."""
