// STUB: the hunt and replay commands are registered here (owned by the explore work).
import type { Command } from "commander";
export function registerExploreCommands(_program: Command): void {}
