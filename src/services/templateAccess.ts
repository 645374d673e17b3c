import type { PersonRef } from '../domain/concernRecord.js';
import type { GroupId } from '../domain/groups.js';
import type { VersionHistory } from '../domain/submission.js';
import type { TemplateId } from '../domain/templates.js';
import type { GroupChannelStore } from '../storage/conversationStore.js';
import type { ProtocolStore } from '../storage/protocolStore.js';
import type { Directory } from './directory.js';

type Actor = PersonRef;

/** Who may do what with a group's templates, and the reads both drafting and review need. */
export class TemplateAccess {
  constructor(
    private readonly directory: Directory,
    private readonly store: ProtocolStore,
    private readonly groupChannels: GroupChannelStore,
  ) {}

  /** Group members (and leads) draft their group's templates. */
  canDraft(actor: Actor, group: GroupId): boolean {
    return this.directory.roles(actor).memberOf.includes(group);
  }

  isGroupLead(actor: Actor, group: GroupId): boolean {
    return this.directory.roles(actor).leadOf.includes(group);
  }

  isCoordinator(actor: Actor): boolean {
    return this.directory.roles(actor).coordinator;
  }

  /** A group's members and every coordinator see its templates. */
  canSee(actor: Actor, group: GroupId): boolean {
    return this.canDraft(actor, group) || this.isCoordinator(actor);
  }

  /** The groups whose templates this person may draft. */
  groupsOf(actor: Actor): GroupId[] {
    return this.directory.roles(actor).memberOf;
  }

  /** The group whose linked channel this is, if the activity came from one. */
  async channelGroup(channelKey: string | undefined): Promise<GroupId | undefined> {
    return channelKey ? this.groupChannels.groupOfChannel(channelKey) : undefined;
  }

  async versionHistory(actor: Actor, group: GroupId, template: TemplateId): Promise<VersionHistory> {
    const [{ record }, versions] = await Promise.all([this.store.status(group, template), this.store.versions(group, template)]);
    return { record, versions, canSubmit: this.isGroupLead(actor, group) };
  }
}
