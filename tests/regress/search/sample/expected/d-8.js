morgueSearch.load("d-8",{"zd":"Sf]0sLb!R"});
