// Writes the Prometheus rules generated from the USE thresholds: `node dist/promRules.js` prints them,
// `--write <file>` writes them (deploy/prometheus/rules.yml is the committed copy, kept equal by a test).
import { writeFileSync } from 'node:fs';
import { prometheusRulesYaml } from './metrics/prometheusRules.js';

const args = process.argv.slice(2);
const yaml = prometheusRulesYaml();
if (args.length === 0) process.stdout.write(yaml);
else if (args.length === 2 && args[0] === '--write' && args[1]) writeFileSync(args[1], yaml);
else {
  process.stderr.write('usage: promRules [--write <rules.yml>]\n');
  process.exit(2);
}
