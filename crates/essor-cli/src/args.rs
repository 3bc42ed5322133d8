//! Command-line arguments as typed, then validated by each command. Help text is French:
//! it reaches users.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "essor",
    version,
    about = "essor : voir, relier et soutenir l'économie sociale et solidaire dans les quartiers prioritaires (QPV)",
    disable_help_flag = true,
    disable_version_flag = true
)]
pub struct Cli {
    /// Affiche l'aide (de la commande qui précède, s'il y en a une).
    #[arg(short = 'h', long = "help", action = clap::ArgAction::Help, global = true)]
    help: Option<bool>,
    /// Affiche la version d'essor.
    #[arg(short = 'V', long = "version", action = clap::ArgAction::Version)]
    version: Option<bool>,
    #[command(subcommand)]
    pub command: Command,
}

/// How every help page is laid out: in French, for essor and each of its commands.
const HELP_TEMPLATE: &str = "{about-section}\nUtilisation : {usage}\n\n{all-args}{after-help}";

/// The command line with its help in French at every level (clap writes « Usage: »,
/// « Commands: », « Print help » otherwise).
pub fn command() -> clap::Command {
    fn french(command: clap::Command) -> clap::Command {
        command
            .help_template(HELP_TEMPLATE)
            .subcommand_help_heading("Commandes")
            .subcommand_value_name("COMMANDE")
            .disable_help_subcommand(true)
            .mut_subcommands(french)
    }
    french(<Cli as clap::CommandFactory>::command())
}

/// The arguments of this run. A refused command line exits with 2 and a French message
/// ([`french_error`]); help and version print as clap writes them (in French, see
/// [`command`]).
pub fn parse() -> Cli {
    let matches = command()
        .try_get_matches()
        .unwrap_or_else(|e| exit_french(&e));
    <Cli as clap::FromArgMatches>::from_arg_matches(&matches).unwrap_or_else(|e| exit_french(&e))
}

fn exit_french(e: &clap::Error) -> ! {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit()
    }
    eprintln!("{}", french_error(e));
    std::process::exit(2)
}

/// clap's error in French: what was refused, the suggestion if any, the usage line.
pub fn french_error(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let get = |kind: ContextKind| -> Option<String> {
        e.get(kind).map(|v| match v {
            ContextValue::String(s) => s.clone(),
            ContextValue::Strings(v) => v.join(", "),
            ContextValue::StyledStr(s) => s.to_string(),
            ContextValue::StyledStrs(v) => v
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            ContextValue::Number(n) => n.to_string(),
            ContextValue::Bool(b) => b.to_string(),
            _ => String::new(),
        })
    };
    let arg = get(ContextKind::InvalidArg).unwrap_or_default();
    let value = get(ContextKind::InvalidValue).unwrap_or_default();
    let mut message = match e.kind() {
        ErrorKind::UnknownArgument => format!("argument inattendu « {arg} »"),
        ErrorKind::InvalidSubcommand => format!(
            "commande inconnue « {} »",
            get(ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} demande une valeur"),
        ErrorKind::InvalidValue => format!("valeur « {value} » refusée pour {arg}"),
        ErrorKind::ValueValidation => {
            let why = std::error::Error::source(e)
                .map(ToString::to_string)
                .unwrap_or_default();
            let why = if why.contains("invalid digit") || why.contains("number too large") {
                "nombre entier attendu".to_owned()
            } else if why.contains("invalid float") {
                "nombre attendu".to_owned()
            } else {
                why
            };
            format!("valeur « {value} » refusée pour {arg} : {why}")
        }
        ErrorKind::MissingRequiredArgument => {
            format!("argument obligatoire manquant : {arg}")
        }
        ErrorKind::MissingSubcommand => "commande manquante".to_owned(),
        ErrorKind::ArgumentConflict => match get(ContextKind::PriorArg) {
            Some(prior) => format!("{arg} ne peut pas s'employer avec {prior}"),
            None => format!("{arg} ne peut pas s'employer avec une autre option donnée"),
        },
        ErrorKind::NoEquals => format!("{arg} attend sa valeur après « = »"),
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("nombre de valeurs incorrect pour {arg}")
        }
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte UTF-8 valide".to_owned(),
        _ => format!("ligne de commande refusée ({arg})"),
    };
    if let Some(valid) = get(ContextKind::ValidValue).filter(|v| !v.is_empty()) {
        message.push_str(&format!(" ; valeurs possibles : {valid}"));
    }
    if let Some(s) =
        get(ContextKind::SuggestedArg).or_else(|| get(ContextKind::SuggestedSubcommand))
    {
        message.push_str(&format!("\n\n  astuce : vouliez-vous dire « {s} » ?"));
    }
    // Some errors (a value refused by its parser) carry no usage: the subcommand's, rendered.
    let usage = get(ContextKind::Usage)
        .or_else(|| {
            let mut root = command();
            let name = std::env::args().nth(1)?;
            let mut sub = root.find_subcommand_mut(&name)?.clone();
            Some(
                sub.render_usage()
                    .to_string()
                    .replacen("Usage: ", "Usage: essor ", 1),
            )
        })
        .map(|u| u.replacen("Usage:", "Utilisation :", 1))
        .unwrap_or_default();
    format!(
        "essor : erreur : {message}\n\n{usage}\n\nPour plus d'informations, essayez « --help »."
    )
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Administration d'une instance : effacement des données personnelles échues, organisations, comptes et rôles.
    Admin(AdminArgs),
    /// Situe des points par rapport aux QPV : QPV qui les contient, QPV le plus proche, distance, tranche.
    Locate(LocateArgs),
    /// Couverture : part des QPV ayant au moins un point à l'intérieur ou à moins d'une distance, et part des points concernés.
    Coverage(CoverageArgs),
    /// Démonstration complète : génère un jeu Sirene synthétique national (s'il manque), construit le magasin et sert l'observatoire (carte, annuaire, territoires, orientation, API).
    Demo(DemoArgs),
    /// Diagnostic de l'ESS à partir des stocks Sirene : indicateurs pour chaque QPV, commune, EPCI, département, région et la France ; dossier de diagnostic d'un territoire.
    Diagnose(DiagnoseArgs),
    /// Subventions publiques : import de fichiers de subventions (format SCDL « subventions » actuel ou ancien) en un CSV SCDL 2.1.1 valide.
    Grants(GrantsArgs),
    /// Construit le magasin de données de `essor serve` (acteurs, recherche plein texte, indicateurs de chaque territoire) à partir des stocks Sirene ; un serveur en marche passe au nouveau magasin sans s'arrêter.
    Ingest(IngestArgs),
    /// Orientation : les dispositifs d'accompagnement et de financement adaptés à un projet, avec leurs raisons.
    Orient(OrientArgs),
    /// Serveur web : carte, pages des territoires et des acteurs, API ouverte (OpenAPI) ; arrêt par Ctrl-C.
    Serve(ServeArgs),
    /// Stocks Sirene synthétiques (organisations fictives) aux formats officiels, reproductibles : pour les tests, les démonstrations et les mesures de performance.
    Synth(SynthArgs),
}

/// Where the QPV come from: the embedded 2015 layer, or official files.
#[derive(Debug, Args, Clone, Default)]
pub struct QpvArgs {
    /// Fichier(s) QPV officiels (.shp ou GeoJSON) à la place des QPV 2015 embarqués ; répétable (ex. couche métropole + couches outre-mer).
    #[arg(long = "qpv", value_name = "FICHIER")]
    pub qpv_files: Vec<PathBuf>,
    /// Structure des champs (2015 : CODE_QP, NOM_QP ; 2024 : code_qp, lib_qp…) ; détectée par défaut.
    #[arg(long = "qpv-layout", value_name = "2015|2024")]
    pub qpv_layout: Option<String>,
    /// Nom du champ portant le code QPV (si le fichier s'écarte des structures officielles).
    #[arg(long = "qpv-code-field", value_name = "CHAMP")]
    pub qpv_code_field: Option<String>,
    /// Nom du champ portant le nom du QPV.
    #[arg(long = "qpv-name-field", value_name = "CHAMP")]
    pub qpv_name_field: Option<String>,
    /// Système de coordonnées du fichier QPV s'il n'a pas de .prj (code EPSG).
    #[arg(long = "qpv-crs", value_name = "EPSG")]
    pub qpv_crs: Option<String>,
    /// Encodage du .dbf (CP1252 par défaut, ou celui du .cpg).
    #[arg(long = "qpv-encoding", value_name = "ENCODAGE")]
    pub qpv_encoding: Option<String>,
}

/// Input points, shared by `locate` and `coverage`.
#[derive(Debug, Args, Clone)]
pub struct PointsArgs {
    /// Fichier CSV d'entrée avec en-tête : colonne id, puis lon,lat (WGS84) ou x,y avec --crs.
    #[arg(long, value_name = "FICHIER")]
    pub input: PathBuf,
    /// Système de coordonnées des colonnes x,y (code EPSG, ex. 2154) ; par défaut lon,lat en WGS84.
    #[arg(long, value_name = "EPSG")]
    pub crs: Option<String>,
    /// Compte les lignes invalides et les écrit dans un fichier de rejets au lieu de s'arrêter.
    #[arg(long)]
    pub skip_invalid: bool,
    /// Fichier des lignes rejetées (avec --skip-invalid) ; par défaut <sortie>.rejets.csv.
    #[arg(long, value_name = "FICHIER")]
    pub rejects: Option<PathBuf>,
}

impl PointsArgs {
    /// The rejects file of a run writing `output` (with `--skip-invalid`: `--rejects`, else
    /// beside the output), after refusing any output that is one of the inputs (the points
    /// or a QPV file), links resolved.
    pub fn rejects_for(
        &self,
        output: &std::path::Path,
        qpv: &QpvArgs,
    ) -> anyhow::Result<Option<PathBuf>> {
        let rejects = self.skip_invalid.then(|| {
            self.rejects
                .clone()
                .unwrap_or_else(|| crate::points::default_rejects_path(output))
        });
        let mut inputs = vec![self.input.as_path()];
        inputs.extend(qpv.qpv_files.iter().map(PathBuf::as_path));
        let mut outputs = vec![("--output", output)];
        outputs.extend(rejects.as_deref().map(|r| ("--rejects", r)));
        crate::atomic::refuse_input_as_output(&inputs, &outputs)?;
        Ok(rejects)
    }
}

#[derive(Debug, Args)]
pub struct LocateArgs {
    #[command(flatten)]
    pub points: PointsArgs,
    /// Fichier CSV de sortie : id,qpv_code,nearest_qpv_code,distance_m,band.
    #[arg(long, value_name = "FICHIER")]
    pub output: PathBuf,
    /// Seuils des tranches de distance en mètres.
    #[arg(long, value_name = "M,M,…", default_value = "300,500,1000")]
    pub bands: String,
    #[command(flatten)]
    pub qpv: QpvArgs,
}

#[derive(Debug, Args)]
pub struct CoverageArgs {
    #[command(flatten)]
    pub points: PointsArgs,
    /// Distance en mètres.
    #[arg(long, value_name = "M", default_value_t = 1000.0)]
    pub distance: f64,
    /// Fichier CSV de sortie : qpv_code,qpv_name,points_inside,points_within_distance.
    #[arg(long, value_name = "FICHIER")]
    pub output: PathBuf,
    #[command(flatten)]
    pub qpv: QpvArgs,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Dossier de la démonstration : stocks synthétiques (sirene/) et magasin (magasin/), réutilisés d'une fois sur l'autre.
    #[arg(long, value_name = "DOSSIER", default_value = "essor-demo")]
    pub dir: PathBuf,
    /// Nombre d'établissements du jeu synthétique.
    #[arg(long, value_name = "N", default_value_t = 400_000)]
    pub establishments: u64,
    /// Graine du générateur : même graine, mêmes données.
    #[arg(long, value_name = "S", default_value_t = 2015)]
    pub seed: u64,
    /// Adresse d'écoute (IP:port) ; port 0 : un port libre, affiché.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Prépare les données et le magasin sans lancer le serveur.
    #[arg(long)]
    pub no_serve: bool,
    #[command(flatten)]
    pub web: WebArgs,
}

/// What the web server needs beyond its address, shared by `serve` and `demo`.
#[derive(Debug, Args, Clone)]
pub struct WebArgs {
    /// Adresse publique du site (ex. https://essor.example.fr) : base des liens absolus (lien secret d'une mise en relation, lien de partage d'une orientation) et origine acceptée des formulaires ; par défaut l'adresse d'écoute. Jamais déduite des en-têtes Host ou X-Forwarded-Proto.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<essor_server::security::PublicUrl>,
    /// Écritures (créations et changements de statut) permises par minute et par adresse IP ; 0 : sans limite.
    #[arg(long, value_name = "N", default_value_t = essor_server::security::WriteRate::default().per_minute)]
    pub write_rate: u32,
    /// Format du journal du serveur (erreurs des requêtes) : text, lisible, ou json, une ligne JSON par événement pour un collecteur de journaux.
    #[arg(long = "log-format", value_name = "text|json", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
}

impl WebArgs {
    /// Sends the server's log (`tracing` events, warnings and errors) to stderr in the
    /// chosen format. Once per process.
    pub fn init_logs(&self) {
        let logs = tracing_subscriber::fmt()
            .with_writer(std::io::stderr)
            .with_max_level(tracing_subscriber::filter::LevelFilter::INFO)
            .with_target(false);
        // A second call (tests running several servers) keeps the first subscriber.
        let _ = if self.log_format == "json" {
            logs.json().try_init()
        } else {
            logs.try_init()
        };
    }

    /// `state` with these settings.
    pub fn apply(&self, state: essor_server::AppState) -> essor_server::AppState {
        let state = state.with_write_rate(essor_server::security::WriteRate {
            per_minute: self.write_rate,
        });
        match &self.public_url {
            Some(url) => state.with_public_url(url.clone()),
            None => state,
        }
    }
}

/// The SIRENE files, shared by `diagnose` and `ingest`.
#[derive(Debug, Args, Clone)]
pub struct SireneArgs {
    /// Stock des établissements (StockEtablissement, CSV ou Parquet).
    #[arg(long, value_name = "FICHIER")]
    pub etablissements: PathBuf,
    /// Stock des unités légales (StockUniteLegale, CSV ou Parquet).
    #[arg(long = "unites-legales", value_name = "FICHIER")]
    pub unites_legales: PathBuf,
    /// Fichier INSEE de géolocalisation des établissements (facultatif ; sinon coordonnées Lambert de Sirene).
    #[arg(long, value_name = "FICHIER")]
    pub geoloc: Option<PathBuf>,
    /// Périmètre de l'ESS : « observatoire » (INSEE / ESS France : associations, coopératives, mutuelles, fondations, hors administration, cultes, partis, syndicats ; celui des chiffres clés publiés) ou « sirene » (indicateur ESS du répertoire, sociétés commerciales de l'ESS comprises).
    #[arg(
        long,
        value_name = "observatoire|sirene",
        default_value = "observatoire"
    )]
    pub perimeter: essor_model::legal::Perimeter,
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    #[command(flatten)]
    pub sirene: SireneArgs,
    /// Dossier de sortie : indicators.csv, indicators.json, methodologie.md (et le dossier de diagnostic avec --territory).
    #[arg(long, value_name = "DOSSIER")]
    pub out: PathBuf,
    /// Territoire du dossier de diagnostic, NIVEAU:CODE (ex. epci:200054781, commune:93066, qpv:QP093028).
    #[arg(long, value_name = "NIVEAU:CODE")]
    pub territory: Option<String>,
    #[command(flatten)]
    pub qpv: QpvArgs,
}

#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub sirene: SireneArgs,
    /// Dossier du magasin : essor.sqlite y est construit à côté de l'ancien puis le remplace d'un coup.
    #[arg(long, value_name = "DOSSIER")]
    pub store: PathBuf,
    /// Ce que les pages disent des données (par défaut : les fichiers et la date du calcul).
    #[arg(long, value_name = "TEXTE")]
    pub description: Option<String>,
    /// Données générées (essor synth) : chaque page le dit par un bandeau « démonstration ».
    #[arg(long)]
    pub synthetic: bool,
    #[command(flatten)]
    pub qpv: QpvArgs,
}

#[derive(Debug, Args)]
pub struct SynthArgs {
    /// Nombre exact d'établissements (le stock national en compte environ 35 millions).
    #[arg(long, value_name = "N")]
    pub establishments: u64,
    /// Graine : mêmes N et graine, mêmes fichiers à l'octet près.
    #[arg(long, value_name = "GRAINE", default_value_t = 2015)]
    pub seed: u64,
    /// Dossier où écrire StockUniteLegale_utf8.csv et StockEtablissement_utf8.csv.
    #[arg(long, value_name = "DOSSIER")]
    pub out: PathBuf,
    /// Écrire aussi les versions Parquet des deux stocks.
    #[arg(long)]
    pub parquet: bool,
    /// Écrire aussi le fichier INSEE de géolocalisation des établissements (codes QPV 2015 calculés par essor).
    #[arg(long)]
    pub geoloc: bool,
}

#[derive(Debug, Args)]
pub struct GrantsArgs {
    #[command(subcommand)]
    pub command: GrantsCommand,
}

#[derive(Debug, Subcommand)]
pub enum GrantsCommand {
    /// Lit un fichier de subventions (SCDL actuel ou ancien, séparé par « ; » ou « , », UTF-8 ou CP1252, montants à la française) et écrit un CSV conforme au schéma SCDL 2.1.1, une ligne par bénéficiaire, avec le rapport de chaque valeur corrigée et de chaque ligne rejetée. Code de sortie 1 si des lignes sont rejetées (le CSV est écrit quand même), 2 en cas d'erreur.
    Import(GrantsImportArgs),
}

#[derive(Debug, Args)]
pub struct GrantsImportArgs {
    /// Fichier de subventions à lire (CSV).
    #[arg(long, value_name = "FICHIER")]
    pub input: PathBuf,
    /// CSV SCDL 2.1.1 à écrire (écrit dans un fichier temporaire, puis renommé).
    #[arg(long, value_name = "SCDL.csv")]
    pub output: PathBuf,
    /// Rapport JSON : lignes lues, écrites, rejetées, et pour chaque problème la ligne, le champ, la valeur, le motif et l'action (rejected ou corrected).
    #[arg(long, value_name = "RAPPORT.json")]
    pub report: Option<PathBuf>,
    /// Valeur d'un champ SCDL quand le fichier ne la donne pas (colonne absente, valeur vide ou illisible), ex. --default nature="aide en numéraire" ; répétable. Chaque usage est inscrit au rapport : rien n'est inventé sans vous.
    #[arg(long = "default", value_name = "CHAMP=VALEUR")]
    pub defaults: Vec<String>,
}

#[derive(Debug, Args)]
pub struct OrientArgs {
    /// Profil du projet (JSON : holder, legal_family, stage, needs, commune, lon, lat…).
    #[arg(long, value_name = "FICHIER")]
    pub profile: PathBuf,
    /// Format de sortie.
    #[arg(long, value_name = "json|text", default_value = "json")]
    pub format: String,
    /// Catalogue des dispositifs à utiliser à la place du catalogue embarqué (TOML).
    #[arg(long, value_name = "FICHIER")]
    pub catalogue: Option<PathBuf>,
    #[command(flatten)]
    pub qpv: QpvArgs,
}

/// How long the registry keeps personal data (`serve` and `admin purge`).
#[derive(Debug, Args, Clone, Copy)]
pub struct RetentionArgs {
    /// Durée de validité des liens secrets des mises en relation, en jours depuis leur création.
    #[arg(long = "validite-liens", value_name = "JOURS", default_value_t = 180, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub link_days: u32,
    /// Durée de conservation des noms et contacts des mises en relation, en mois après leur dernier changement ; ils sont ensuite effacés.
    #[arg(long = "conservation-contacts", value_name = "MOIS", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=120))]
    pub contact_months: u32,
}

impl RetentionArgs {
    pub fn retention(self) -> essor_store::registry::Retention {
        essor_store::registry::Retention {
            link_days: self.link_days,
            contact_months: self.contact_months,
        }
    }
}

#[derive(Debug, Args)]
pub struct AdminArgs {
    #[command(subcommand)]
    pub command: AdminCommand,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Efface les noms et contacts des mises en relation sans changement depuis la durée de conservation (ce que le serveur fait chaque jour).
    Purge(PurgeArgs),
    /// Crée une organisation (commune, EPCI, service de l'État, financeur, structure d'accompagnement…) avec son périmètre.
    #[command(name = "creer-organisation", visible_alias = "create-org")]
    CreateOrganisation(CreateOrganisationArgs),
    /// Crée un compte ; le mot de passe est lu dans la variable ESSOR_MOT_DE_PASSE, sinon sur la première ligne de l'entrée standard.
    #[command(name = "creer-compte", visible_alias = "create-user")]
    CreateAccount(CreateAccountArgs),
    /// Invite une personne à rejoindre une organisation avec un rôle : affiche le lien d'invitation (à usage unique, valable 7 jours) et l'envoie aussi par courriel avec --smtp.
    #[command(name = "inviter", visible_alias = "invite")]
    Invite(InviteArgs),
    /// Donne un rôle dans une organisation à un compte.
    #[command(name = "donner-role", visible_alias = "grant-role")]
    GrantRole(GrantRoleArgs),
    /// Retire un rôle dans une organisation à un compte (une organisation garde au moins un administrateur).
    #[command(name = "retirer-role", visible_alias = "revoke-role")]
    RevokeRole(GrantRoleArgs),
    /// Rattache une organisation à un opérateur du catalogue d'orientation : ses membres au rôle « operator » reçoivent les mises en relation adressées à cet opérateur et les font avancer.
    #[command(name = "rattacher-operateur", visible_alias = "link-operator")]
    LinkOperator(LinkOperatorArgs),
    /// Écrit le journal d'audit (qui, pour quelle organisation, quand, quoi, avant et après) sur la sortie standard.
    Audit(AuditArgs),
    /// Crée le registre s'il manque et applique les migrations de schéma qui lui manquent (ce que `essor serve` fait aussi au démarrage), puis affiche la version atteinte.
    #[command(name = "migrer", visible_alias = "migrate")]
    Migrate(MigrateArgs),
    /// Sauvegarde à chaud le registre SQLite d'un magasin dans un fichier (copie cohérente, droits 0600) ; un registre PostgreSQL se sauvegarde avec pg_dump (docs/DEPLOY.md).
    #[command(name = "sauvegarder", visible_alias = "backup")]
    Backup(BackupArgs),
    /// Remplace le registre SQLite d'un magasin par une sauvegarde, après avoir vérifié qu'elle est lisible ; arrêtez d'abord les serveurs qui l'utilisent.
    #[command(name = "restaurer", visible_alias = "restore")]
    Restore(RestoreArgs),
    /// Liste les comptes (CSV sur la sortie standard) : adresse, nom, administrateur de l'instance, désactivé, rôles par organisation.
    #[command(name = "lister-comptes", visible_alias = "list-users")]
    ListAccounts(ListAccountsArgs),
}

#[derive(Debug, Args)]
pub struct ListAccountsArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
    /// Seulement les écritures de ce jour et après (AAAA-MM-JJ, heure UTC).
    #[arg(long = "depuis", visible_alias = "since", value_name = "AAAA-MM-JJ")]
    pub since: Option<String>,
    /// Format : csv ou json.
    #[arg(long, value_name = "csv|json", default_value = "csv")]
    pub format: String,
    /// Seulement le journal de cette organisation (ce que ses membres ont fait pour elle, ce qui a été fait sur elle, les mises en relation qu'elle reçoit).
    #[arg(long = "organisation", visible_alias = "org", value_name = "NUMÉRO")]
    pub org: Option<i64>,
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
    /// Fichier de la sauvegarde à créer (il ne doit pas exister).
    #[arg(long = "vers", visible_alias = "to", value_name = "FICHIER")]
    pub to: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// Dossier du magasin de données dont le registre.sqlite est remplacé.
    #[arg(long, value_name = "DOSSIER")]
    pub store: PathBuf,
    /// Fichier de sauvegarde (fait par essor admin sauvegarder).
    #[arg(long = "depuis", visible_alias = "from", value_name = "FICHIER")]
    pub from: PathBuf,
}

#[derive(Debug, Args)]
pub struct LinkOperatorArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
    /// Numéro de l'organisation (donné à sa création).
    #[arg(long, visible_alias = "org", value_name = "NUMÉRO")]
    pub organisation: i64,
    /// Identifiant de l'opérateur dans le catalogue (essor dispositifs, ou /dispositifs/ID : « adie », « france-active »).
    #[arg(long = "operateur", visible_alias = "operator", value_name = "ID")]
    pub operator: String,
}

#[derive(Debug, Args)]
pub struct CreateOrganisationArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
    /// Type : commune, epci, departement, region, service_etat, financeur, structure_accompagnement, acteur_ess, collectif_habitants.
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: String,
    /// Nom de l'organisation (unique dans l'instance).
    #[arg(long = "nom", value_name = "NOM")]
    pub name: String,
    /// SIRET (14 chiffres, clé de contrôle vérifiée).
    #[arg(long, value_name = "SIRET")]
    pub siret: Option<String>,
    /// Territoire du périmètre, répétable : qpv:QN03502M, commune:35238, epci:243500139, departement:35, region:53.
    #[arg(long = "territoire", value_name = "NIVEAU:CODE")]
    pub territories: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CreateAccountArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
    /// Adresse électronique (identifiant de connexion).
    #[arg(long, value_name = "ADRESSE")]
    pub email: String,
    /// Nom affiché.
    #[arg(long = "nom", value_name = "NOM")]
    pub name: String,
    /// Fait de ce compte un administrateur de l'instance (organisations et comptes).
    #[arg(long = "admin-instance")]
    pub instance_admin: bool,
}

#[derive(Debug, Args)]
pub struct InviteArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
    /// Adresse électronique de la personne invitée (son identifiant de connexion).
    #[arg(long, value_name = "ADRESSE")]
    pub email: String,
    /// Numéro de l'organisation (donné à sa création).
    #[arg(long = "org", visible_alias = "organisation", value_name = "NUMÉRO")]
    pub organisation: i64,
    /// Rôle : admin, agent, reviewer, funder, operator, contributor, moderator.
    #[arg(long, value_name = "RÔLE")]
    pub role: String,
    /// Adresse publique du site, base du lien (celle de `essor serve --public-url`).
    #[arg(long, value_name = "URL", default_value = "http://127.0.0.1:8080")]
    pub public_url: essor_server::security::PublicUrl,
    #[command(flatten)]
    pub mail: MailArgs,
}

#[derive(Debug, Args)]
pub struct GrantRoleArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
    /// Adresse électronique du compte.
    #[arg(long, value_name = "ADRESSE")]
    pub email: String,
    /// Numéro de l'organisation (donné à sa création).
    #[arg(long, visible_alias = "org", value_name = "NUMÉRO")]
    pub organisation: i64,
    /// Rôle : admin, agent, reviewer, funder, operator, contributor, moderator.
    #[arg(long, value_name = "RÔLE")]
    pub role: String,
}

#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct RegistryTarget {
    /// Dossier du magasin de données (son registre.sqlite).
    #[arg(long, value_name = "DOSSIER")]
    pub store: Option<PathBuf>,
    /// Registre PostgreSQL partagé (postgres://utilisateur@hôte:port/base), à la place d'un dossier ; se lit aussi dans la variable ESSOR_REGISTRE.
    #[arg(
        long = "registre",
        visible_alias = "database",
        value_name = "URL",
        env = "ESSOR_REGISTRE",
        hide_env_values = true
    )]
    pub registry: Option<String>,
}

#[derive(Debug, Args)]
pub struct PurgeArgs {
    #[command(flatten)]
    pub target: RegistryTarget,
    #[command(flatten)]
    pub retention: RetentionArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Adresse d'écoute (IP:port) ; 127.0.0.1 n'est joignable que depuis cette machine.
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Dossier du magasin de données : ce que construit `essor ingest`, et le registre des mises en relation (registre.sqlite, créé s'il manque) ; sans lui, la carte montre les contours et les QPV et les mises en relation sont désactivées.
    #[arg(long, value_name = "DOSSIER")]
    pub store: Option<PathBuf>,
    /// Registre PostgreSQL des mises en relation (postgres://utilisateur@hôte:port/base), partagé par plusieurs serveurs, à la place de DOSSIER/registre.sqlite ; se lit aussi dans la variable ESSOR_REGISTRE (préférable : le mot de passe n'apparaît pas dans la liste des processus).
    #[arg(
        long = "registre",
        visible_alias = "database",
        value_name = "URL",
        env = "ESSOR_REGISTRE",
        hide_env_values = true
    )]
    pub registry: Option<String>,
    #[command(flatten)]
    pub web: WebArgs,
    #[command(flatten)]
    pub mail: MailArgs,
    #[command(flatten)]
    pub retention: RetentionArgs,
    #[command(flatten)]
    pub oidc: OidcArgs,
    #[command(flatten)]
    pub qpv: QpvArgs,
}

/// Where the e-mails of accounts (invitations, password resets) go, shared by `serve` and
/// `admin inviter`.
#[derive(Debug, Args, Clone)]
pub struct MailArgs {
    /// Serveur SMTP des courriels d'invitation et de réinitialisation du mot de passe : smtp://hôte:port (sans TLS : un relais de confiance, ex. smtp://127.0.0.1:25 ; identifiants possibles : smtp://utilisateur:mot-de-passe@hôte:587) ; se lit aussi dans la variable ESSOR_SMTP. Sans lui, aucun courriel ne part : les liens sont écrits dans le journal du serveur.
    #[arg(long, value_name = "URL", env = "ESSOR_SMTP", hide_env_values = true)]
    pub smtp: Option<String>,
    /// Expéditeur des courriels (ex. « essor <ne-pas-repondre@essor.example.fr> ») ; se lit aussi dans la variable ESSOR_MAIL_FROM.
    #[arg(long = "mail-from", value_name = "ADRESSE", env = "ESSOR_MAIL_FROM")]
    pub mail_from: Option<String>,
}

impl MailArgs {
    /// The mailer of these settings: SMTP, or the log.
    pub fn mailer(&self) -> Result<essor_app::mail::Mailer, essor_app::mail::MailError> {
        match &self.smtp {
            Some(url) => essor_app::mail::Mailer::smtp(url, self.mail_from.as_deref()),
            None => Ok(essor_app::mail::Mailer::log_only()),
        }
    }
}

/// Signing in through an OpenID Connect provider (ProConnect, or any provider).
#[derive(Debug, Args, Clone)]
pub struct OidcArgs {
    /// Fournisseur d'identité OpenID Connect (ex. ProConnect : https://PROCONNECT_DOMAIN/api/v2) : la page de connexion propose « Se connecter avec … » ; lu au démarrage (URL/.well-known/openid-configuration). Le secret du client se lit dans la variable ESSOR_OIDC_CLIENT_SECRET, jamais sur la ligne de commande. Un compte essor doit exister à l'adresse électronique vérifiée de la personne ; aucun compte n'est créé.
    #[arg(long = "oidc-issuer", value_name = "URL", requires = "oidc_client_id")]
    pub oidc_issuer: Option<String>,
    /// Identifiant du client essor chez ce fournisseur (client_id).
    #[arg(long = "oidc-client-id", value_name = "ID", requires = "oidc_issuer")]
    pub oidc_client_id: Option<String>,
    /// Texte du bouton : « Se connecter avec TEXTE ».
    #[arg(
        long = "oidc-label",
        value_name = "TEXTE",
        default_value = "ProConnect"
    )]
    pub oidc_label: String,
    /// Portée demandée en plus de openid (répétable ; par défaut : email). ProConnect : --oidc-scope email --oidc-scope given_name --oidc-scope usual_name.
    #[arg(long = "oidc-scope", value_name = "PORTÉE")]
    pub oidc_scopes: Vec<String>,
    /// Tient pour vérifiée l'adresse que le fournisseur transmet sans dire si elle l'est (pas de champ email_verified), pour un fournisseur qui ne transmet que des adresses vérifiées, comme ProConnect. Une adresse déclarée non vérifiée reste refusée.
    #[arg(long = "oidc-adresse-verifiee")]
    pub oidc_trust_email: bool,
}

/// The environment variable holding the OpenID Connect client's secret.
pub const OIDC_SECRET_VARIABLE: &str = "ESSOR_OIDC_CLIENT_SECRET";

impl OidcArgs {
    /// The provider's configuration, with the secret read from `env` (the process's
    /// environment, or a map in tests); `None` without `--oidc-issuer`.
    pub fn config(
        &self,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<essor_server::security::oidc::OidcConfig>, String> {
        let (Some(issuer), Some(client_id)) = (&self.oidc_issuer, &self.oidc_client_id) else {
            return Ok(None);
        };
        let client_secret = env(OIDC_SECRET_VARIABLE)
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| {
                format!("--oidc-issuer : le secret du client manque ; donnez-le dans la variable {OIDC_SECRET_VARIABLE}")
            })?;
        let scopes = if self.oidc_scopes.is_empty() {
            vec!["email".to_owned()]
        } else {
            self.oidc_scopes
                .iter()
                .filter(|s| s.as_str() != "openid")
                .cloned()
                .collect()
        };
        Ok(Some(essor_server::security::oidc::OidcConfig {
            issuer: issuer.clone(),
            client_id: client_id.clone(),
            client_secret,
            label: self.oidc_label.trim().to_owned(),
            scopes,
            trust_email: self.oidc_trust_email,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_argument_definitions_are_consistent() {
        command().debug_assert();
    }

    #[test]
    fn the_oidc_secret_comes_from_the_environment_only() {
        let cli = Cli::try_parse_from([
            "essor",
            "serve",
            "--oidc-issuer",
            "https://fca.integ01.dev-agentconnect.fr/api/v2",
            "--oidc-client-id",
            "essor",
            "--oidc-scope",
            "email",
            "--oidc-scope",
            "usual_name",
        ])
        .unwrap();
        let Command::Serve(a) = cli.command else {
            panic!("serve expected")
        };
        let err = a.oidc.config(|_| None).unwrap_err();
        assert!(err.contains("ESSOR_OIDC_CLIENT_SECRET"), "{err}");
        let config = a
            .oidc
            .config(|name| (name == OIDC_SECRET_VARIABLE).then(|| "s3cret".to_owned()))
            .unwrap()
            .unwrap();
        assert_eq!(config.client_secret, "s3cret");
        assert_eq!(config.scopes, ["email", "usual_name"]);
        assert_eq!(config.label, "ProConnect");
        assert!(!config.trust_email);
        // No secret option on the command line, and an issuer needs its client.
        assert!(Cli::try_parse_from(["essor", "serve", "--oidc-client-secret", "x"]).is_err());
        assert!(Cli::try_parse_from(["essor", "serve", "--oidc-issuer", "https://a.fr"]).is_err());
    }

    #[test]
    fn locate_takes_the_documented_contract() {
        let cli = Cli::try_parse_from([
            "essor",
            "locate",
            "--input",
            "p.csv",
            "--output",
            "o.csv",
            "--crs",
            "2154",
            "--qpv",
            "a.shp",
            "--qpv",
            "b.geojson",
            "--bands",
            "300,500",
            "--skip-invalid",
        ])
        .unwrap();
        let Command::Locate(a) = cli.command else {
            panic!("locate expected")
        };
        assert_eq!(a.qpv.qpv_files.len(), 2);
        assert_eq!(a.points.crs.as_deref(), Some("2154"));
        assert!(a.points.skip_invalid);
    }
}
