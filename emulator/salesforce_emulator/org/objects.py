"""The emulated org's objects, one small table of lines each: `Name type flags...`, so a
newcomer can read the whole org on one screen. schema.build_objects() parses them.

Field lists are a curated subset of real describes (names, types and flags match Salesforce):
the responses recorded in CumulusCI's test cassettes (https://github.com/SFDO-Tooling/CumulusCI)
and, for objects without one there, NetCoreForce's models generated from a v64 describe
(https://github.com/anthonyreilly/NetCoreForce). Flags:

    ref=A,B      reference targets (several = polymorphic)    rel=Owner   relationship name
    len=N        string length                               req         required on create
    ro           read-only (not createable or updateable)    co          create-only
    pick=NAME    picklist values from PICKLISTS[NAME]         restricted  restricted picklist
    ext          external ID (also unique, idLookup)          custom      custom field (__c)
    compound=X   component of compound field X                formula     value computed by SQL
"""

# Objects that carry only SystemModstamp of the audit fields (as ContentDocumentLink does).
MODSTAMP_ONLY = {"ContentDocumentLink"}

SYSTEM_FIELDS = """
CreatedDate datetime ro
CreatedById reference ref=User rel=CreatedBy ro
LastModifiedDate datetime ro
LastModifiedById reference ref=User rel=LastModifiedBy ro
SystemModstamp datetime ro
"""

OBJECT_LINES: dict[str, tuple[str, str, str, str]] = {
    # name: (key prefix, label, plural, field lines). IsDeleted is on every object with a recycle bin.
    "User": ("005", "User", "Users", """
Id id ro
Username string len=80 req
LastName string len=80 req
FirstName string len=40
Name string len=121 ro
Email email len=128 req
Alias string len=8 req
IsActive boolean
Title string len=80
Department string len=80
UserType picklist pick=UserType ro
TimeZoneSidKey picklist pick=TimeZone req restricted
ManagerId reference ref=User rel=Manager
LastLoginDate datetime ro
"""),
    "OpportunityStage": ("01J", "Opportunity Stage", "Opportunity Stages", """
Id id ro
MasterLabel string len=255 ro
ApiName string len=255 ro
IsActive boolean ro
SortOrder int ro
IsClosed boolean ro
IsWon boolean ro
ForecastCategory picklist pick=ForecastCategory ro
ForecastCategoryName picklist pick=ForecastCategoryName ro
DefaultProbability percent ro
Description string len=255 ro
"""),
    "RecordType": ("012", "Record Type", "Record Types", """
Id id ro
Name string len=80 req
DeveloperName string len=80 req
NamespacePrefix string len=15 ro
Description string len=255
SobjectType picklist pick=SobjectType req co
IsActive boolean
"""),
    "Account": ("001", "Account", "Accounts", """
Id id ro
IsDeleted boolean ro
Name string len=255 req
Type picklist pick=AccountType
RecordTypeId reference ref=RecordType rel=RecordType
ParentId reference ref=Account rel=Parent
BillingStreet textarea len=255 compound=BillingAddress
BillingCity string len=40 compound=BillingAddress
BillingState string len=80 compound=BillingAddress
BillingPostalCode string len=20 compound=BillingAddress
BillingCountry string len=80 compound=BillingAddress
BillingLatitude double compound=BillingAddress
BillingLongitude double compound=BillingAddress
BillingGeocodeAccuracy picklist pick=GeocodeAccuracy restricted compound=BillingAddress
BillingAddress address ro
Phone phone len=40
Website url len=255
Industry picklist pick=Industry
AnnualRevenue currency
NumberOfEmployees int
Description textarea len=32000
OwnerId reference ref=User rel=Owner
LastActivityDate date ro
"""),
    "Contact": ("003", "Contact", "Contacts", """
Id id ro
IsDeleted boolean ro
AccountId reference ref=Account rel=Account
LastName string len=80 req
FirstName string len=40
Salutation picklist pick=Salutation
Name string len=121 ro
Email email len=80
Phone phone len=40
MobilePhone phone len=40
Title string len=128
Department string len=80
LeadSource picklist pick=LeadSource
Description textarea len=32000
OwnerId reference ref=User rel=Owner
LastActivityDate date ro
"""),
    "Opportunity": ("006", "Opportunity", "Opportunities", """
Id id ro
IsDeleted boolean ro
AccountId reference ref=Account rel=Account
RecordTypeId reference ref=RecordType rel=RecordType
IsPrivate boolean
Name string len=120 req
Description textarea len=32000
StageName picklist pick=Stage req
Amount currency
Probability percent
ExpectedRevenue currency ro
TotalOpportunityQuantity double
CloseDate date req
Type picklist pick=OpportunityType
NextStep string len=255
LeadSource picklist pick=LeadSource
IsClosed boolean ro
IsWon boolean ro
ForecastCategory picklist pick=ForecastCategory ro
ForecastCategoryName picklist pick=ForecastCategoryName restricted
OwnerId reference ref=User rel=Owner
LastActivityDate date ro
LastStageChangeDate datetime ro
FiscalQuarter int ro
FiscalYear int ro
Region__c picklist pick=Region custom
Is_Large_Deal__c boolean custom formula ro
Account_Industry__c string len=1300 custom formula ro
Days_Open__c double custom formula ro
"""),
    "OpportunityContactRole": ("00K", "Opportunity Contact Role", "Opportunity Contact Role", """
Id id ro
IsDeleted boolean ro
OpportunityId reference ref=Opportunity rel=Opportunity req co
ContactId reference ref=Contact rel=Contact req
Role picklist pick=ContactRole
IsPrimary boolean
"""),
    "Task": ("00T", "Task", "Tasks", """
Id id ro
IsDeleted boolean ro
WhoId reference ref=Contact,Lead rel=Who
WhatId reference ref=Opportunity,Account rel=What
Subject combobox len=255 pick=ActivitySubject
ActivityDate date
Status picklist pick=TaskStatus req restricted
Priority picklist pick=TaskPriority req restricted
IsHighPriority boolean ro
OwnerId reference ref=User rel=Owner
Description textarea len=32000
AccountId reference ref=Account rel=Account ro
IsClosed boolean ro
IsArchived boolean ro
TaskSubtype picklist pick=TaskSubtype restricted co
CompletedDateTime datetime ro
Dealsync_Key__c string len=255 ext custom
"""),
    "Event": ("00U", "Event", "Events", """
Id id ro
IsDeleted boolean ro
WhoId reference ref=Contact,Lead rel=Who
WhatId reference ref=Opportunity,Account rel=What
Subject combobox len=255 pick=ActivitySubject
Location string len=255
IsAllDayEvent boolean
ActivityDateTime datetime
ActivityDate date
DurationInMinutes int
StartDateTime datetime
EndDateTime datetime
Description textarea len=32000
AccountId reference ref=Account rel=Account ro
OwnerId reference ref=User rel=Owner
ShowAs picklist pick=ShowAs restricted
EventSubtype picklist pick=EventSubtype restricted co
IsArchived boolean ro
"""),
    "EmailMessage": ("02s", "Email Message", "Email Messages", """
Id id ro
IsDeleted boolean ro
ParentId reference ref=Case rel=Parent co
ActivityId reference ref=Task rel=Activity co
Subject string len=3000
TextBody textarea len=131072
HtmlBody textarea len=131072
FromName string len=1000
FromAddress email len=1000
ToAddress string len=4000
CcAddress string len=4000
BccAddress string len=4000
Incoming boolean co
HasAttachment boolean ro
Status picklist pick=EmailStatus req restricted
MessageDate datetime
RelatedToId reference ref=Opportunity,Account rel=RelatedTo
ThreadIdentifier string len=255
"""),
    # Files (Salesforce Files): a document, its versions, and the records it is shared with.
    "ContentDocument": ("069", "Content Document", "Content Documents", """
Id id ro
IsDeleted boolean ro
IsArchived boolean ro
Title string len=255
OwnerId reference ref=User rel=Owner
PublishStatus picklist pick=PublishStatus restricted ro
LatestPublishedVersionId reference ref=ContentVersion rel=LatestPublishedVersion ro
Description textarea len=1000
ContentSize int ro
FileType string len=20 ro
FileExtension string len=40 ro
ContentModifiedDate datetime ro
"""),
    "ContentVersion": ("068", "Content Version", "Content Versions", """
Id id ro
IsDeleted boolean ro
ContentDocumentId reference ref=ContentDocument rel=ContentDocument co
IsLatest boolean ro
ContentUrl url len=1333
VersionNumber string len=20 ro
Title string len=255 req
Description textarea len=1000
ReasonForChange string len=1000
PathOnClient string len=500 co
ContentSize int ro
FileType string len=20 ro
FileExtension string len=40 ro
Checksum string len=50 ro
VersionData base64 co
FirstPublishLocationId reference ref=Opportunity,Account,Contact,User rel=FirstPublishLocation co
OwnerId reference ref=User rel=Owner
ContentLocation picklist pick=ContentLocation restricted co
PublishStatus picklist pick=PublishStatus restricted ro
ContentModifiedDate datetime
"""),
    "ContentDocumentLink": ("06A", "Content Document Link", "Content Document Link", """
Id id ro
IsDeleted boolean ro
LinkedEntityId reference ref=Opportunity,Account,Contact,User rel=LinkedEntity req co
ContentDocumentId reference ref=ContentDocument rel=ContentDocument req co
ShareType picklist pick=ShareType restricted
Visibility picklist pick=LinkVisibility restricted
"""),
    "Project__c": ("a0P", "Project", "Projects", """
Id id ro
IsDeleted boolean ro
Name string len=80
OwnerId reference ref=User rel=Owner
Opportunity__c reference ref=Opportunity rel=Opportunity__r custom
Status__c picklist pick=ProjectStatus custom
Hours__c double custom
"""),
}
