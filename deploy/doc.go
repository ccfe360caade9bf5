// Package deploy holds what docker-compose.yml mounts into its containers
// besides biogen: Prometheus's scrape configuration (prometheus/) and
// Grafana's provisioning and dashboard (grafana/). It has no code of its
// own; its test loads docker-compose.yml as Compose does and checks the
// services, the configuration it gives biogen and the dashboard's queries.
// docs/operations.md walks an operator through it.
package deploy
