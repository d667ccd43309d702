import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { requiring } from '../../test-support/requirements';

/** docker-compose.yml: MongoDB 7 as a single-node replica set with a volume, plus the LRS image. */
const root = path.resolve(__dirname, '../..');
const compose = YAML.parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
const env = { ...process.env, LRS_ADMIN_KEY: 'compose-check', LRS_ADMIN_SECRET: 'compose-check-secret' };

describe('docker-compose.yml', () => {
  it('runs MongoDB 7 as a replica set on a named volume', () => {
    expect(compose.services.mongo.image).toMatch(/^mongo:7/);
    expect(compose.services.mongo.command).toEqual(expect.arrayContaining(['--replSet', 'rs0']));
    expect(compose.services.mongo.volumes[0]).toMatch(/^mongo-data:/);
    expect(compose.volumes).toHaveProperty('mongo-data');
  });

  it('builds the LRS from the Dockerfile and points it at the replica set once MongoDB is healthy', () => {
    const lrs = compose.services.lrs;
    expect(lrs.build).toBe('.');
    expect(lrs.environment.MONGODB_URI).toMatch(/replicaSet=rs0/);
    expect(lrs.depends_on.mongo.condition).toBe('service_healthy');
    expect(fs.existsSync(path.join(root, 'Dockerfile'))).toBe(true);
  });

  const cli = ['docker compose', 'docker-compose'].find((command) => {
    const [bin, ...args] = command.split(' ');
    return spawnSync(bin!, [...args, 'version'], { encoding: 'utf8' }).status === 0;
  });
  const withCompose = requiring({
    needs: 'Docker Compose (`docker compose` or `docker-compose`)',
    present: cli !== undefined,
    install: 'the Docker Compose plugin, or apt-get install docker-compose',
  });
  withCompose.it(`is accepted by \`${cli ?? 'docker compose'} config\``, () => {
    const [bin, ...args] = cli!.split(' ');
    const result = spawnSync(bin!, [...args, 'config', '--quiet'], { cwd: root, env, encoding: 'utf8' });
    expect(result.stderr).not.toMatch(/error|invalid/i);
    expect(result.status).toBe(0);
  });
});
