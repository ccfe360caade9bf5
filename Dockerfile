# Two stages: build a static binary, run it on a minimal base as an unprivileged user.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/biogen ./cmd/biogen

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/biogen /biogen
EXPOSE 8080 9090
ENTRYPOINT ["/biogen"]
