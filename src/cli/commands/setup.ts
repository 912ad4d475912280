/**
 * `execwatch setup elasticsearch`: installs the ingest pipeline and index template the
 * Elasticsearch output relies on (see src/outputs/es-setup.ts). `--dry-run` prints the requests
 * in Kibana Dev Tools form instead of sending them.
 */
import type { Command } from 'commander';

import { installElasticsearchSetup } from '../../outputs/es-setup.js';
import { setupRequests } from '../../outputs/es-setup.js';
import type { CliContext } from '../context.js';

interface ElasticsearchSetupFlags {
  url: string;
  apiKey?: string;
  apiKeyFile?: string;
  username?: string;
  password?: string;
  passwordFile?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecure?: boolean;
  timeoutMs: string;
  dryRun?: boolean;
}

export function registerSetupCommand(program: Command, context: CliContext): void {
  const setup = program
    .command('setup')
    .summary('prepare a collector for execwatch alerts')
    .description('Prepare a collector for execwatch alerts (index template, ingest pipeline).');

  setup
    .command('elasticsearch')
    .description(
      'Install the ingest pipeline (sets event.ingested) and the index template (data stream ' +
        'logs-execwatch.alerts-*, ECS mappings) the Elasticsearch output writes to.',
    )
    .requiredOption('--url <url>', 'cluster URL, e.g. https://es.example.com:9200')
    .option('--api-key <key>', 'API key (base64 id:key, as Kibana shows it)')
    .option('--api-key-file <path>', 'read the API key from a file')
    .option('--username <name>', 'basic auth user')
    .option('--password <password>', 'basic auth password')
    .option('--password-file <path>', 'read the password from a file')
    .option('--ca-file <path>', 'PEM CA certificate(s) to verify the cluster with')
    .option('--cert-file <path>', 'PEM client certificate')
    .option('--key-file <path>', 'PEM client key')
    .option('--insecure', 'do not verify the cluster certificate (lab use only)')
    .option('--timeout-ms <ms>', 'per-request timeout', '30000')
    .option('--dry-run', 'print the requests instead of sending them')
    .addHelpText(
      'after',
      `
Examples:
  $ execwatch setup elasticsearch --url https://es.example.com:9200 --api-key-file ~/.es-key
  $ execwatch setup elasticsearch --url https://localhost:9200 --ca-file ca.pem --dry-run`,
    )
    .action(async (flags: ElasticsearchSetupFlags) => {
      if (flags.dryRun === true) {
        for (const request of setupRequests()) {
          context.stdout.write(
            `${request.method} /${request.path}\n${JSON.stringify(request.body, null, 2)}\n\n`,
          );
        }
        return;
      }

      const results = await installElasticsearchSetup({
        url: flags.url,
        apiKey: flags.apiKey,
        apiKeyFile: flags.apiKeyFile,
        username: flags.username,
        password: flags.password,
        passwordFile: flags.passwordFile,
        tls: {
          verify: flags.insecure !== true,
          caFile: flags.caFile,
          certFile: flags.certFile,
          keyFile: flags.keyFile,
        },
        timeoutMs: Number(flags.timeoutMs),
      });
      for (const { request, status } of results) {
        context.stdout.write(`${request.method} /${request.path}: HTTP ${status}\n`);
      }
    });
}
