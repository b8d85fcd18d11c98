#!/usr/bin/env sh
# Set the demo's metric values in the local Pushgateway (README: Health).
# Edit the numbers and run again to watch `callboard --demo health` change.
set -eu
cat <<METRICS | curl -fsS --data-binary @- http://127.0.0.1:9091/metrics/job/tessera-demo
tessera_error_ratio{service="payment-router"} 0.12
tessera_error_ratio{service="acquirer-gateway"} 0.002
tessera_error_ratio{service="ledger-service"} 0.001
tessera_latency_p99_seconds{service="payment-router"} 1.8
tessera_queue_depth{service="payments-worker"} 240
METRICS
echo "pushed; Prometheus evaluates the rules every 5 s"
