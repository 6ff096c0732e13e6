"""Which Salesforce objects dealsync extracts by default, and the curated field list of each.

The curated lists hold what the deal warehouse and its analysts use; `fields: all` in the
settings takes every queryable field describe reports instead. Either way the extraction
intersects the list with describe on every run (assets/salesforce/fields.py), so a field missing
from the org is never queried.
"""

from dataclasses import dataclass

SYSTEM = ["Id", "CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp"]


@dataclass(frozen=True)
class ObjectSpec:
    name: str
    fields: tuple[str, ...] | None  # None = all queryable fields
    required: bool = False
    small: bool = False  # refreshed whole on every tick (setup data, a few hundred rows)


DEFAULT_OBJECTS: dict[str, ObjectSpec] = {spec.name: spec for spec in [
    ObjectSpec("User", (*SYSTEM, "Username", "FirstName", "LastName", "Name", "Email", "IsActive",
                        "Title", "Department", "UserType", "ManagerId"), required=True, small=True),
    ObjectSpec("OpportunityStage", (*SYSTEM, "MasterLabel", "ApiName", "IsActive", "SortOrder",
                                    "IsClosed", "IsWon", "ForecastCategory", "ForecastCategoryName",
                                    "DefaultProbability", "Description"), required=True, small=True),
    ObjectSpec("RecordType", (*SYSTEM, "Name", "DeveloperName", "SobjectType", "IsActive",
                              "Description"), small=True),
    ObjectSpec("Opportunity", (*SYSTEM, "IsDeleted", "AccountId", "RecordTypeId", "Name", "StageName",
                               "Amount", "Probability", "ExpectedRevenue", "CloseDate", "Type",
                               "NextStep", "LeadSource", "IsClosed", "IsWon", "ForecastCategory",
                               "ForecastCategoryName", "OwnerId", "LastActivityDate",
                               "LastStageChangeDate", "FiscalYear", "FiscalQuarter", "Description",
                               "Region__c"), required=True),
    ObjectSpec("Account", (*SYSTEM, "IsDeleted", "Name", "Type", "RecordTypeId", "ParentId",
                           "BillingStreet", "BillingCity", "BillingState", "BillingPostalCode",
                           "BillingCountry", "Industry", "AnnualRevenue", "NumberOfEmployees",
                           "Website", "Phone", "OwnerId")),
    ObjectSpec("Contact", (*SYSTEM, "IsDeleted", "AccountId", "FirstName", "LastName", "Name", "Email",
                           "Phone", "Title", "Department", "OwnerId")),
    ObjectSpec("OpportunityContactRole", (*SYSTEM, "IsDeleted", "OpportunityId", "ContactId", "Role",
                                          "IsPrimary")),
    ObjectSpec("Task", (*SYSTEM, "IsDeleted", "WhoId", "WhatId", "Subject", "ActivityDate", "Status",
                        "Priority", "OwnerId", "AccountId", "IsClosed", "TaskSubtype",
                        "CompletedDateTime", "Description")),
    ObjectSpec("Event", (*SYSTEM, "IsDeleted", "WhoId", "WhatId", "Subject", "ActivityDate",
                         "ActivityDateTime", "StartDateTime", "EndDateTime", "DurationInMinutes",
                         "OwnerId", "AccountId", "EventSubtype", "Location")),
    ObjectSpec("EmailMessage", (*SYSTEM, "IsDeleted", "RelatedToId", "ActivityId", "Subject",
                                "FromName", "FromAddress", "ToAddress", "CcAddress", "Incoming",
                                "Status", "MessageDate", "TextBody")),
]}

REQUIRED_OBJECTS = tuple(name for name, spec in DEFAULT_OBJECTS.items() if spec.required)
