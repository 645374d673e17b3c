/**
 * Pins the security and hosting properties of the Azure deployment (infra/main.json), so a
 * weakening of the template (shared keys back on, FTP on, the audit table writable...) fails CI.
 *
 * The template is read as data: ARM expressions are compared as strings, and copy loops are
 * resolved through the template's own variables.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TABLE_NAMES } from '../src/storage/tables.js';

interface ArmResource {
  type: string;
  name: string;
  kind?: string;
  scope?: string;
  copy?: { name: string; count: string };
  identity?: { type: string; userAssignedIdentities?: Record<string, unknown> };
  dependsOn?: string[];
  properties?: Record<string, unknown>;
}

interface ArmTemplate {
  parameters: Record<string, { defaultValue?: unknown }>;
  variables: Record<string, unknown>;
  resources: ArmResource[];
  outputs: Record<string, unknown>;
}

const INFRA = path.join(__dirname, '..', 'infra');
const template = JSON.parse(readFileSync(path.join(INFRA, 'main.json'), 'utf8')) as ArmTemplate;

const IDENTITY_ID = "[resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', variables('identityName'))]";
const IDENTITY_CLIENT_ID = "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', variables('identityName')), '2023-01-31').clientId]";
const IDENTITY_PRINCIPAL_ID =
  "[reference(resourceId('Microsoft.ManagedIdentity/userAssignedIdentities', variables('identityName')), '2023-01-31').principalId]";
const TABLE_DATA_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
const TABLE_SCOPE =
  /^\[format\('Microsoft\.Storage\/storageAccounts\/\{0\}\/tableServices\/default\/tables\/\{1\}', variables\('storageName'\), variables\('(\w+)'\)(\[copyIndex\(\)\])?\)\]$/;

function resourcesOf(type: string): ArmResource[] {
  return template.resources.filter((resource) => resource.type === type);
}

function single(type: string): ArmResource {
  const found = resourcesOf(type);
  const [only, ...others] = found;
  assert.ok(only !== undefined && others.length === 0, `expected exactly one ${type}, found ${found.length}`);
  return only;
}

function props(resource: ArmResource): Record<string, unknown> {
  return resource.properties ?? {};
}

function siteConfig(): Record<string, unknown> {
  return props(single('Microsoft.Web/sites')).siteConfig as Record<string, unknown>;
}

function variableArray(name: string): string[] {
  const value = template.variables[name];
  assert.ok(Array.isArray(value), `variables.${name} is an array`);
  return value as string[];
}

/** The names a copy loop over `variables('name')` produces; the loop must cover the whole array. */
function loopValues(resource: ArmResource, variable: string): string[] {
  assert.equal(resource.copy?.count, `[length(variables('${variable}'))]`, `${resource.name} loops over all of ${variable}`);
  return variableArray(variable);
}

/** The tables a role assignment is scoped to; fails for any scope other than one table (or a loop of tables). */
function scopedTables(assignment: ArmResource): string[] {
  const match = TABLE_SCOPE.exec(assignment.scope ?? '');
  assert.ok(match, `role assignment ${assignment.name} is scoped to a table, not "${assignment.scope}"`);
  const [, variable = '', inLoop] = match;
  if (inLoop) return loopValues(assignment, variable);
  assert.equal(assignment.copy, undefined);
  const value = template.variables[variable];
  assert.equal(typeof value, 'string');
  return [value as string];
}

const CONTRIBUTOR_ROLE = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('storageTableDataContributorRoleId'))]";
const AUDIT_ROLE = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('auditRoleId'))]";
const MONITORING_METRICS_PUBLISHER = '3913510d-42f4-4e42-8a64-420c390055eb';
const PUBLISHER_ROLE = "[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', variables('monitoringMetricsPublisherRoleId'))]";
const COMPONENT_SCOPE = "[format('Microsoft.Insights/components/{0}', variables('appInsightsName'))]";

function assignmentsOfRole(roleDefinitionId: string): ArmResource[] {
  return resourcesOf('Microsoft.Authorization/roleAssignments').filter((assignment) => props(assignment).roleDefinitionId === roleDefinitionId);
}

const sorted = (values: readonly string[]) => [...values].sort();
const appTables = Object.values(TABLE_NAMES);

describe('Azure deployment template (infra/main.json)', () => {
  it('when the identity is read, then it is one user-assigned managed identity', () => {
    single('Microsoft.ManagedIdentity/userAssignedIdentities');
  });

  it('when the bot is read, then it authenticates as the user-assigned identity in the given tenant', () => {
    const bot = props(single('Microsoft.BotService/botServices'));
    assert.equal(bot.msaAppType, 'UserAssignedMSI');
    assert.equal(bot.msaAppId, IDENTITY_CLIENT_ID);
    assert.equal(bot.msaAppMSIResourceId, IDENTITY_ID);
    assert.equal(bot.msaAppTenantId, "[parameters('tenantId')]");
  });

  it('when the bot is read, then its messaging endpoint is https on the web app at /api/messages', () => {
    const endpoint = String(props(single('Microsoft.BotService/botServices')).endpoint);
    assert.match(endpoint, /^\[format\('https:\/\/\{0\}\/api\/messages', reference\(resourceId\('Microsoft\.Web\/sites', variables\('webAppName'\)\)/);
  });

  it('when the bot channels are read, then the Teams channel is enabled', () => {
    const channel = single('Microsoft.BotService/botServices/channels');
    assert.match(channel.name, /\/MsTeamsChannel'/);
    assert.equal(props(channel).channelName, 'MsTeamsChannel');
    assert.equal((props(channel).properties as Record<string, unknown>).isEnabled, true);
  });

  it('when the App Service plan and web app are read, then both are Linux', () => {
    const plan = single('Microsoft.Web/serverfarms');
    assert.equal(plan.kind, 'linux');
    assert.equal(props(plan).reserved, true);
    assert.equal(single('Microsoft.Web/sites').kind, 'app,linux');
  });

  it('when the runtime is read, then it is a supported Node LTS (22 or 24)', () => {
    assert.ok(['NODE|22-lts', 'NODE|24-lts'].includes(String(siteConfig().linuxFxVersion)), String(siteConfig().linuxFxVersion));
  });

  it('when the web app is read, then it accepts https only', () => {
    assert.equal(props(single('Microsoft.Web/sites')).httpsOnly, true);
  });

  it('when the web app is read, then TLS 1.2 is the minimum', () => {
    assert.equal(siteConfig().minTlsVersion, '1.2');
  });

  it('when the web app is read, then FTP is disabled', () => {
    assert.equal(siteConfig().ftpsState, 'Disabled');
  });

  it('when the web app is read, then the health check probes /healthz', () => {
    assert.equal(siteConfig().healthCheckPath, '/healthz');
  });

  it('when the web app is read, then it is always on (the reminder timer keeps running)', () => {
    assert.equal(siteConfig().alwaysOn, true);
  });

  it('when the web app is read, then the user-assigned identity is attached', () => {
    const identity = single('Microsoft.Web/sites').identity;
    assert.equal(identity?.type, 'UserAssigned');
    assert.deepEqual(Object.keys(identity?.userAssignedIdentities ?? {}), [IDENTITY_ID]);
  });

  it('when the app settings are read, then the bot runs in production as the identity with no secret set', () => {
    const settings = Object.fromEntries((siteConfig().appSettings as { name: string; value: string }[]).map((setting) => [setting.name, setting.value]));
    assert.equal(settings.NODE_ENV, 'production');
    assert.equal(settings.MicrosoftAppType, 'UserAssignedMsi');
    assert.equal(settings.MicrosoftAppId, IDENTITY_CLIENT_ID);
    assert.equal(settings.AZURE_CLIENT_ID, IDENTITY_CLIENT_ID);
    assert.equal(settings.MicrosoftAppTenantId, "[parameters('tenantId')]");
    assert.match(settings.TABLES_ENDPOINT ?? '', /primaryEndpoints\.table\]$/);
    for (const secret of ['MicrosoftAppPassword', 'TABLES_CONNECTION_STRING']) assert.equal(settings[secret], undefined, secret);
  });

  it('when the storage account is read, then TLS 1.2 is the minimum', () => {
    assert.equal(props(single('Microsoft.Storage/storageAccounts')).minimumTlsVersion, 'TLS1_2');
  });

  it('when the storage account is read, then it accepts https only', () => {
    assert.equal(props(single('Microsoft.Storage/storageAccounts')).supportsHttpsTrafficOnly, true);
  });

  it('when the storage account is read, then shared key access is off (Entra ID only)', () => {
    assert.equal(props(single('Microsoft.Storage/storageAccounts')).allowSharedKeyAccess, false);
  });

  it('when the storage account is read, then public blob access is off', () => {
    assert.equal(props(single('Microsoft.Storage/storageAccounts')).allowBlobPublicAccess, false);
  });

  it('when the tables are read, then there is one for every name in TABLE_NAMES and no other', () => {
    const tables = single('Microsoft.Storage/storageAccounts/tableServices/tables');
    assert.match(tables.name, /variables\('tableNames'\)\[copyIndex\(\)\]\)\]$/);
    assert.deepEqual(sorted(loopValues(tables, 'tableNames')), sorted(appTables));
  });

  it('when role assignments are read, then each gives the identity one of the two table roles on a single table, or publishing on Application Insights, never the account or group', () => {
    const assignments = resourcesOf('Microsoft.Authorization/roleAssignments');
    assert.ok(assignments.length > 0);
    for (const assignment of assignments) {
      if (props(assignment).roleDefinitionId === PUBLISHER_ROLE) {
        assert.equal(assignment.scope, COMPONENT_SCOPE, 'publishing is granted on the Application Insights component only');
        assert.equal(props(assignment).principalId, IDENTITY_PRINCIPAL_ID);
        continue;
      }
      scopedTables(assignment);
      assert.ok([CONTRIBUTOR_ROLE, AUDIT_ROLE].includes(String(props(assignment).roleDefinitionId)), `unexpected role in ${assignment.name}`);
      assert.equal(props(assignment).principalId, IDENTITY_PRINCIPAL_ID);
    }
  });

  it('when the Storage Table Data Contributor assignments are read, then they cover every table but audit', () => {
    assert.equal(template.variables.storageTableDataContributorRoleId, TABLE_DATA_CONTRIBUTOR);
    const tables = assignmentsOfRole(CONTRIBUTOR_ROLE).flatMap(scopedTables);
    assert.deepEqual(sorted(tables), sorted(appTables.filter((table) => table !== TABLE_NAMES.audit)));
  });

  it('when the custom audit role is read, then it grants exactly entity read and add, and no control actions', () => {
    const role = single('Microsoft.Authorization/roleDefinitions');
    assert.equal(role.name, "[variables('auditRoleId')]");
    const [permission, ...more] = props(role).permissions as { actions: string[]; dataActions: string[] }[];
    assert.ok(permission !== undefined && more.length === 0, 'one permission block');
    assert.deepEqual(sorted(permission.dataActions), [
      'Microsoft.Storage/storageAccounts/tableServices/tables/entities/add/action',
      'Microsoft.Storage/storageAccounts/tableServices/tables/entities/read',
    ]);
    assert.deepEqual(permission.actions, []);
  });

  it('when the custom audit role assignments are read, then it is assigned on the audit table only', () => {
    const tables = assignmentsOfRole(AUDIT_ROLE).flatMap(scopedTables);
    assert.deepEqual(tables, [TABLE_NAMES.audit]);
  });

  it('when Application Insights is read, then it is workspace-based on the template’s Log Analytics workspace', () => {
    single('Microsoft.OperationalInsights/workspaces');
    const insights = props(single('Microsoft.Insights/components'));
    assert.equal(insights.WorkspaceResourceId, "[resourceId('Microsoft.OperationalInsights/workspaces', variables('workspaceName'))]");
  });

  it('when Application Insights is read, then it accepts Entra ID tokens only (local auth off), so its connection string is no secret', () => {
    assert.equal(props(single('Microsoft.Insights/components')).DisableLocalAuth, true);
  });

  it('when the Monitoring Metrics Publisher assignment is read, then the identity may publish to the component', () => {
    assert.equal(template.variables.monitoringMetricsPublisherRoleId, MONITORING_METRICS_PUBLISHER);
    const [assignment, ...more] = assignmentsOfRole(PUBLISHER_ROLE);
    assert.ok(assignment !== undefined && more.length === 0, 'one assignment');
    assert.equal(assignment.scope, COMPONENT_SCOPE);
    assert.equal(props(assignment).principalId, IDENTITY_PRINCIPAL_ID);
    assert.equal(props(assignment).principalType, 'ServicePrincipal');
  });

  it('when the app settings are read, then the app has the connection string and the codeless agent is off (it would record URLs that carry ids, with none of the redaction)', () => {
    const settings = Object.fromEntries((siteConfig().appSettings as { name: string; value: string }[]).map((setting) => [setting.name, setting.value]));
    assert.match(settings.APPLICATIONINSIGHTS_CONNECTION_STRING ?? '', /\.ConnectionString\]$/);
    const agent = Object.keys(settings).filter((name) => /^(ApplicationInsightsAgent_|XDT_MicrosoftApplicationInsights_|APPINSIGHTS_)/i.test(name));
    assert.deepEqual(agent, []);
  });

  for (const environment of ['dev', 'prod']) {
    it(`when parameters.${environment}.json is read, then it sets every required parameter and only known ones`, () => {
      const file = JSON.parse(readFileSync(path.join(INFRA, `parameters.${environment}.json`), 'utf8')) as {
        parameters: Record<string, unknown>;
      };
      const given = Object.keys(file.parameters);
      for (const name of given) assert.ok(name in template.parameters, `unknown parameter ${name}`);
      const required = Object.entries(template.parameters).filter(([, definition]) => !('defaultValue' in definition));
      for (const [name] of required) assert.ok(given.includes(name), `missing required parameter ${name}`);
    });
  }
});
