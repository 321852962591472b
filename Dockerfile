# llmgw-migrate in a container, for CI systems other than GitHub Actions
# (see docs/ci.md). Build: docker build -t llmgw-migrate .
#
# Stage 1 builds a static musl binary with the release profile (stripped);
# stage 2 is Alpine with that binary and git, so CI systems that run a shell
# in the image (GitLab, Jenkins, Buildkite) work, at about 25 MB.
FROM rust:1.90-alpine3.22 AS build
# ring (TLS for `parity`) compiles C: musl-dev gives the headers and libc.
RUN apk add --no-cache musl-dev=~1.2
WORKDIR /src
COPY . .
RUN cargo build --release --locked \
    && cp target/release/llmgw-migrate /usr/local/bin/llmgw-migrate \
    && /usr/local/bin/llmgw-migrate --version

FROM alpine:3.22
# `rewrite --write` asks git which files have uncommitted changes; a mounted
# checkout is owned by another user, which git refuses unless told it is safe.
RUN apk add --no-cache git=~2 \
    && git config --system --add safe.directory '*'
COPY --from=build /usr/local/bin/llmgw-migrate /usr/local/bin/llmgw-migrate
# The repository to scan is mounted (or checked out) here.
WORKDIR /work
ENTRYPOINT ["llmgw-migrate"]
CMD ["--help"]
