// The one extension mechanism for interchangeable backends: a registry of named providers of
// one kind, one of which a setting selects (AI_PROVIDER, DNS_PROVIDER, STORAGE_DRIVER). Our
// plugins and operators' register theirs the same way; check() runs once everything has loaded,
// so a typo in the setting stops the start with the names that do exist, instead of failing
// the first job that asks.

export interface Named { readonly name: string }

export class ProviderRegistry<P extends Named> {
  private readonly providers = new Map<string, P>()
  /** What the providers are, for messages: "analysis provider". */
  readonly kind: string
  /** The setting that selects one. */
  readonly setting: string
  readonly selected: string

  constructor (kind: string, setting: string, selected: string) {
    this.kind = kind
    this.setting = setting
    this.selected = selected
  }

  /** Two providers under one name would make the setting ambiguous: the second is refused. */
  register (provider: P): void {
    if (this.providers.has(provider.name)) throw new Error(`a ${this.kind} named "${provider.name}" is already registered`)
    this.providers.set(provider.name, provider)
  }

  names (): string[] { return [...this.providers.keys()].sort() }

  get (name: string): P | undefined { return this.providers.get(name) }

  /** The provider the setting names; throws when none registered under that name. */
  current (): P {
    const provider = this.providers.get(this.selected)
    if (!provider) throw new Error(`${this.setting} is "${this.selected}" but no plugin registered a ${this.kind} of that name (registered: ${this.names().join(', ') || 'none'})`)
    return provider
  }

  /** At boot, after every plugin registered: the same error as current(), before anything serves. */
  check (): void { this.current() }
}
