/** The machine and software the numbers were measured on. */
import os from 'node:os';

export interface Environment {
  readonly node: string;
  readonly v8: string;
  readonly platform: string;
  readonly cpu: string;
  readonly cores: number;
  readonly libraries: Record<string, string>;
  readonly date: string;
}

export function describeEnvironment(libraries: Record<string, string>): Environment {
  const cpus = os.cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus[0]?.model.trim().replace(/\s+/g, ' ') ?? 'unknown cpu',
    cores: cpus.length,
    libraries,
    date: new Date().toISOString(),
  };
}

/** One line: node version, cpu model, core count, library versions. */
export function environmentLine(env: Environment): string {
  const libs = Object.entries(env.libraries).map(([name, version]) => `${name} ${version}`);
  return [`node ${env.node}`, env.cpu, `${env.cores} cores`, env.platform, ...libs].join(' · ');
}
