# Two stages: build a static binary, run it on a minimal base as an unprivileged user.
# The Go image is pinned to the toolchain the tests run on (Go 1.26.8, Debian 12).
# Distroless publishes no version tags: its base is pinned by its Debian release
# (static-debian12); pin it by digest (image@sha256:...) for a reproducible release.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/biogen ./cmd/biogen && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/biogen /biogen
# data_dir (docker-compose.yml mounts a volume here), owned by the nonroot user
# so that a new volume starts writable.
COPY --from=build --chown=65532:65532 /out/data /var/lib/biogen
EXPOSE 8080 9090
ENTRYPOINT ["/biogen"]
