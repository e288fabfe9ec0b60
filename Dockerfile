# syntax=docker/dockerfile:1
# Builds tagflow (CLI and standalone daemon) and tagflow-controller as static binaries and
# ships them on distroless/static, as a non-root user. The default command is the
# controller; run the CLI with `--entrypoint /tagflow`.
#
#   docker build -t ghcr.io/tagflow/tagflow-controller:dev .

ARG GO_VERSION=1.26.8

FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
ARG TARGETOS
ARG TARGETARCH
ARG VERSION=dev
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY api/ api/
COPY cmd/ cmd/
COPY internal/ internal/
COPY policy/ policy/
COPY scanner/ scanner/
COPY updater/ updater/
ENV CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH}
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w" -o /out/tagflow-controller ./cmd/tagflow-controller && \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/tagflow ./cmd/tagflow

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/tagflow-controller /tagflow-controller
COPY --from=build /out/tagflow /tagflow
USER 65532:65532
ENTRYPOINT ["/tagflow-controller"]
