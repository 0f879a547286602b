// Command tlload is a load generator for a running tierslieux server (or
// HAProxy in front of replicas): it sends a population-weighted mix of
// searches from keep-alive clients and reports throughput, latency
// percentiles, failures and, given the server's PID, its CPU time per
// request and its memory.
//
// Usage:
//
//	tlload [-url http://127.0.0.1:8080] [-c 4] [-d 30s | -n N] [-rate R] [-warmup 5s]
//	       [-hostile 0.05] [-hostile-c H] [-forwarded-for] [-gzip] [-pid PID]
//	       [-queries 2000] [-seed 1] [-mix FILE] [-write-mix FILE] [-timeout 10s]
//	       [-json] [-fail-on-error] [-cpuprofile FILE]
//
// # The mix
//
// By default tlload draws -queries searches (2,000) with -seed (1) around
// the current communes of the embedded gazetteer, weighted by population,
// so Paris, Marseille, Lyon and Toulouse come up as often as their people
// would ask; the same seed always gives the same queries. Points are sent
// as near=lat,lon, never names, so the server's parsing cost stays small
// and the same. The shares are exact (to one query; 800, 500, 400 and 300
// of 2,000), in an order the seed shuffles; lines of the default mix:
//
//	40% text     /v1/search?q=fabrication&type=fablab&near=43.60426,1.44367&radius=18km&limit=20
//	25% radius   /v1/search?near=48.85341,2.34880&radius=48km&sort=distance&limit=20
//	20% bbox     /v1/search?bbox=2.09880,48.67841,2.59880,49.02841&near=48.85341,2.34880&sort=distance&limit=20
//	15% nearest  /v1/search?near=45.74846,4.84671&sort=distance&limit=20
//
// Text words are ones the synthetic places of `tierslieux synth` hold
// ("atelier", "synthétique", "espace", "numérique", "coworking", …), the
// type one of coworking, fablab and mediation-numerique, the radius 5 to
// 50 km; a bbox is 0.5° of longitude by 0.35° of latitude around the
// commune, sorted by distance from it. Every query asks for 20 results.
//
// -write-mix FILE writes the mix, one request a line, and exits; -mix FILE
// replays such a file (lines are paths with their query, or bare query
// strings of /v1/search; blank lines and # comments are skipped). The
// requests are sent in the mix's order, over and over.
//
// # Load
//
// -c clients each have their own keep-alive connection, send one request
// at a time and read every response body whole (by Content-Length,
// chunks or to the connection's end). They speak HTTP/1.1 themselves
// rather than through Go's http.Client, which costs about as much CPU a
// request as the server answering it: on one machine, what the load
// generator spends is taken from the server it measures. The run lasts -d, or -n requests (with both, the
// first reached). -rate paces all clients together at that many requests
// a second; a server that cannot keep up shows as a lower req/s. -warmup
// sends requests first, uncounted. Latency runs from sending the request
// to reading the body's last byte; percentiles are nearest-rank over
// every answered request.
//
// -hostile F makes that share of the turns hostile: one turn in 1/F
// goes to -hostile-c extra clients (default 8 × c, idle until a turn
// comes), so normal clients never wait for them. In turn they send a
// GeoJSON polygon of 7,000 vertices (scribbled over most of France;
// coarse coordinates keep it under the server's 64 KiB limit),
// /v1/clusters?bbox=-180,-90,180,90&zoom=22, and q=zq… with a word no
// place holds. Normal and hostile requests are reported apart, so one
// sees whether the normal p99 holds. A hostile turn that finds every
// hostile client busy is dropped and counted: the share sent is in the
// report.
//
// -forwarded-for sends each client's own X-Forwarded-For address, for a
// server that limits each client behind a trusted proxy.
//
// # Server CPU and memory
//
// -pid PID reads /proc/PID/stat (utime + stime, in clock ticks read from
// the auxiliary vector, as sysconf(_SC_CLK_TCK) does) at both ends of the
// measured window, and /proc/PID/status (VmRSS) every 100 ms: the report
// gives the server's CPU milliseconds per request, hostile ones included,
// the cores it used, and its largest RSS. tlload reports its own CPU use
// too: on a shared machine it competes with the server.
//
// # Failures
//
// A request fails on a transport error (refused, reset, timeout, …) or a
// 5xx status; 4xx are counted by status but do not fail. The report gives
// statuses, transport errors by kind, the failure count and the first
// few failures. -fail-on-error exits with status 1 if any normal request
// failed, for integration tests of rolling restarts (hostile requests a
// server sheds are its defence working). A request is sent again once, as
// browsers and Go's transport do, when a reused connection turns out
// closed before any answer; what is counted is what a client would see.
// An answer that is not HTTP/1.x as it should be counts as a "malformed
// answer" transport error. -json writes
// the report as JSON for scripts.
//
// -cpuprofile FILE writes tlload's own CPU profile (go tool pprof), to
// see what the load itself costs on a machine shared with the server.
//
// # Example
//
// Against 100,000 synthetic places:
//
//	go build -o /tmp/tl ./cmd/tierslieux && go build -o /tmp/tlload ./cmd/tlload
//	/tmp/tl synth -n 100000 -format csv -o /tmp/s100k.csv
//	/tmp/tl ingest -quiet -index /tmp/idx100k /tmp/s100k.csv
//	/tmp/tl serve -addr 127.0.0.1:8090 -index /tmp/idx100k &
//	/tmp/tlload -url http://127.0.0.1:8090 -c 4 -d 30s -pid $!
//	/tmp/tlload -url http://127.0.0.1:8090 -c 4 -d 30s -hostile 0.05 -pid $!
package main
