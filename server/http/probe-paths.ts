/**
 * The orchestrator's probes: asked every few seconds by every kubelet and
 * load balancer, so they are logged at debug level only, and answered over
 * plain http in production (probes come from inside the network).
 */
export const LIVENESS_PATH = '/api/health/live';
export const READINESS_PATH = '/api/health/ready';
export const PROBE_PATHS: ReadonlySet<string> = new Set([LIVENESS_PATH, READINESS_PATH]);
