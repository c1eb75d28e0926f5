"""Operations tooling that is not part of any app: backup and restore (`make backup`, `make restore`)."""
