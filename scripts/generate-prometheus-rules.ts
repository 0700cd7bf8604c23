/** `npm run generate:prometheus-rules`: writes deploy/prometheus/alerts.yml from the built-in alert rules. */
import { mkdir, writeFile } from 'node:fs/promises';
import { PROMETHEUS_RULES_FILE, prometheusRulesYaml } from './prometheus-rules';

const target = new URL(`../${PROMETHEUS_RULES_FILE}`, import.meta.url);
await mkdir(new URL('.', target), { recursive: true });
await writeFile(target, prometheusRulesYaml());
console.log(`wrote ${PROMETHEUS_RULES_FILE}`);
